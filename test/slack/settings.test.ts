/** `/threadline settings` grammar (pure); the store and the route are in mentions.test.ts. */
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/command-parse.js';
import { describeSettings } from '../../src/slack/settings.js';
import { helpText } from '../../src/slack/help.js';

describe('settings command', () => {
  it('without flags shows; with flags sets', () => {
    expect(parseCommand('settings')).toEqual({ ok: true, command: { verb: 'settings', patch: {} } });
    expect(parseCommand('settings --mention=OFF')).toEqual({ ok: true, command: { verb: 'settings', patch: { mention: 'off' } } });
    // A phone's em dash reads as --.
    expect(parseCommand('settings —mention=on')).toEqual({ ok: true, command: { verb: 'settings', patch: { mention: 'on' } } });
  });

  it.each([
    ['settings mention=off', 'takes only --name=value'],
    ['settings --mention', 'must be on or off'],
    ['settings --mention=yes', 'must be on or off'],
    ['settings --mention=on --mention=off', 'given twice'],
    ['settings --threads-off', 'Unknown setting "--threads-off"'],
    ['settings --new-thread-after=soon', 'must be a number of days'],
    ['settings --new-thread-after=99999', 'must be a number of days'],
    ['settings --threads=maybe', 'must be on or off'],
    ['settings --broadcast=loud', 'must be one of regressions, critical, all, off'],
  ])('%s is refused: %s', (text, said) => {
    const r = parseCommand(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(said);
      expect(r.usage).toContain('/threadline settings');
    }
  });

  it('describes defaults and values; help lists the setting', () => {
    expect(describeSettings({})[0]).toEqual('`--mention=on` (assignees @-mentioned)');
    expect(describeSettings({ mention: 'off' })[0]).toEqual('`--mention=off` (assignees named, not mentioned)');
    expect(helpText()).toContain('--mention=on|off');
    expect(describeSettings({})).toEqual([
      '`--mention=on` (assignees @-mentioned)',
      '`--threads=on` (one thread per issue, run, alert or build)',
      '`--broadcast=off` (replies stay in their thread)',
      '`--new-thread-after=0` (a regression continues its thread)',
    ]);
    expect(describeSettings({ threads: 'off', broadcast: 'regressions' }).slice(1, 3)).toEqual([
      '`--threads=off` (every event its own message)',
      '`--broadcast=regressions` (regressions also sent to the channel)',
    ]);
    expect(helpText()).toContain('--threads=on|off');
    expect(helpText()).toContain('--broadcast=regressions|critical|all|off');
    expect(helpText()).toContain('--new-thread-after=<days>|off');
    expect(describeSettings({ 'new-thread-after': 30 })[3]).toBe(
      '`--new-thread-after=30` (a regression 30 days or more after the resolve starts a new thread)',
    );
  });

  it('sets threads and broadcast', () => {
    expect(parseCommand('settings --threads=OFF --broadcast=critical')).toEqual({
      ok: true,
      command: { verb: 'settings', patch: { threads: 'off', broadcast: 'critical' } },
    });
    expect(parseCommand('settings --new-thread-after=30')).toEqual({
      ok: true,
      command: { verb: 'settings', patch: { 'new-thread-after': 30 } },
    });
    expect(parseCommand('settings --new-thread-after=off')).toEqual({
      ok: true,
      command: { verb: 'settings', patch: { 'new-thread-after': 0 } },
    });
  });
});
