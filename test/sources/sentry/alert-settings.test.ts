/** The alert-rule action's settings as Sentry's deliveries carry them, read into `routing.channels`. */
import { describe, expect, it } from 'vitest';
import {
  alertRoutingFields,
  issueAlertChannels,
  issueAlertChoices,
  metricAlertChoices,
  metricAlertChannels,
  parseAlertChannel,
  parseMention,
  parseThread,
} from '../../../src/sources/sentry/alert-settings.js';
import { normalizeKnown } from '../../../src/sources/catalog.js';
import { fixture, META } from './fixtures.js';

describe('alert-rule action settings', () => {
  it('reads option values: <team>:<channel>, or a bare channel id', () => {
    expect(parseAlertChannel('T1:C0ALERTS')).toEqual({ teamId: 'T1', channelId: 'C0ALERTS' });
    expect(parseAlertChannel('C0ALERTS')).toEqual({ channelId: 'C0ALERTS' });
    for (const bad of ['#alerts', 'T1:', ':C1', 'T1:C1:x', 'alerts', '']) expect(parseAlertChannel(bad)).toBeNull();
  });

  it('reads mention and thread', () => {
    expect(parseMention(undefined)).toBe('none');
    expect(parseMention('@here')).toBe('@here');
    expect(parseMention('<!subteam^S0ONCALL|oncall>')).toEqual({ subteam: 'S0ONCALL' });
    expect(parseMention('@channel')).toBeNull();
    expect(parseThread('off')).toBe('off');
    expect(parseThread('sideways')).toBeNull();
  });

  it("an issue alert's channel; another integration's (#alerts) is not ours", () => {
    expect(issueAlertChannels([{ name: 'channel', value: 'T1:C0ALERTS' }])).toEqual(['T1:C0ALERTS']);
    expect(issueAlertChannels([{ name: 'channel', value: '#alerts' }])).toEqual([]);
    expect(issueAlertChannels(undefined)).toEqual([]);
  });

  it("a metric alert: the matching trigger's Threadline actions; for resolved every trigger's", () => {
    const triggers = [
      {
        label: 'critical',
        actions: [
          { type: 'sentry_app', settings: [{ name: 'channel', value: 'T1:CCRIT' }] },
          { type: 'email', settings: [{ name: 'channel', value: 'T1:CMAIL' }] },
        ],
      },
      {
        label: 'warning',
        actions: [
          { type: 'sentry_app', settings: [{ name: 'channel', value: 'T1:CWARN' }] },
          { type: 'sentry_app', settings: [{ name: 'channel', value: 'T1:CCRIT' }] },
        ],
      },
    ];
    expect(metricAlertChannels(triggers, 'critical')).toEqual(['T1:CCRIT']);
    expect(metricAlertChannels(triggers, 'warning')).toEqual(['T1:CWARN', 'T1:CCRIT']);
    expect(metricAlertChannels(triggers, 'resolved').sort()).toEqual(['T1:CCRIT', 'T1:CWARN']);
    expect(metricAlertChannels(null, 'resolved')).toEqual([]);
  });

  it('normalize carries the chosen channels on the event; fixtures without them carry none', async () => {
    const routing = async (name: string) => {
      const f = fixture(name);
      return normalizeKnown(f.type, f.json, META).routing;
    };
    expect((await routing('event_alert/triggered.threadline.json')).channels).toEqual(['T1:C0ALERTS']);
    expect((await routing('event_alert/triggered.json')).channels).toBeUndefined();
    expect((await routing('metric_alert/critical.threadline.json')).channels).toEqual(['T1:C0CRIT']);
    expect(((await routing('metric_alert/resolved.threadline.json')).channels as string[]).sort()).toEqual(['T1:C0CRIT', 'T1:C0WARN']);
    expect((await routing('metric_alert/critical.json')).channels).toBeUndefined();
  });

  it('carries mention and thread=off per chosen channel beside routing.channels, whose values keep their form', () => {
    const choices = issueAlertChoices([
      { name: 'channel', value: 'T1:C0ALERTS' },
      { name: 'mention', value: '@here' },
      { name: 'thread', value: 'off' },
    ]);
    expect(choices).toEqual([{ channel: 'T1:C0ALERTS', mention: '@here', thread: 'off' }]);
    expect(alertRoutingFields(choices)).toEqual({
      channels: ['T1:C0ALERTS'],
      channelSettings: ['channel=T1%3AC0ALERTS&mention=%40here&thread=off'],
    });
    // Defaults (no mention, threaded) add nothing beside the channel; a bad mention is left out.
    const plain = issueAlertChoices([
      { name: 'channel', value: 'C0OPS' },
      { name: 'mention', value: '<!channel>' },
      { name: 'thread', value: 'on' },
    ]);
    expect(alertRoutingFields(plain)).toEqual({ channels: ['C0OPS'] });
    const triggers = [
      {
        label: 'critical',
        actions: [
          {
            type: 'sentry_app',
            settings: [
              { name: 'channel', value: 'T1:CCRIT' },
              { name: 'mention', value: 'S0ONCALL' },
            ],
          },
        ],
      },
      {
        label: 'warning',
        actions: [
          {
            type: 'sentry_app',
            settings: [
              { name: 'channel', value: 'T1:CCRIT' },
              { name: 'thread', value: 'off' },
            ],
          },
        ],
      },
    ];
    // A channel named by several triggers keeps the first one's settings.
    expect(metricAlertChoices(triggers, 'resolved')).toEqual([{ channel: 'T1:CCRIT', mention: { subteam: 'S0ONCALL' } }]);
  });
});
