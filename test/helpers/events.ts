// Loads the sample Config events of events/ for tests. Every call reads and parses the file again, so
// each test gets its own copy to mutate (the Powertools test style: fixtures cloned per test).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigRuleEvent } from '../../aws/config/event';

export const EVENTS_DIR = join(__dirname, '..', '..', 'events');

/** A sample event by path under events/, e.g. 'efs-mount-target-nfs-ingress/security-group-change.json'. */
export function loadEvent(name: string): ConfigRuleEvent {
  return JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8')) as ConfigRuleEvent;
}

/** The invokingEvent of an event, parsed (a fresh object: edit it and write it back with setInvokingEvent). */
export function invokingEventOf(event: ConfigRuleEvent): Record<string, unknown> {
  return JSON.parse(event.invokingEvent) as Record<string, unknown>;
}

/** Rewrites the event's invokingEvent string after `edit` changed the parsed object. */
export function editInvokingEvent(
  event: ConfigRuleEvent,
  edit: (invokingEvent: Record<string, unknown>) => void,
): ConfigRuleEvent {
  const invokingEvent = invokingEventOf(event);
  edit(invokingEvent);
  return { ...event, invokingEvent: JSON.stringify(invokingEvent) };
}

/** The configurationItem (change) or configurationItemSummary (oversized) of an invokingEvent. */
export function itemOf(invokingEvent: Record<string, unknown>): Record<string, unknown> {
  const item = invokingEvent.configurationItem ?? invokingEvent.configurationItemSummary;
  if (typeof item !== 'object' || item === null) throw new Error('the event has no configuration item');
  return item as Record<string, unknown>;
}

/** Points a sample event at another resource (e.g. one created in moto). */
export function retarget(event: ConfigRuleEvent, resourceId: string, resourceType?: string): ConfigRuleEvent {
  return editInvokingEvent(event, (invokingEvent) => {
    const item = itemOf(invokingEvent);
    item.resourceId = resourceId;
    if (resourceType) item.resourceType = resourceType;
  });
}
