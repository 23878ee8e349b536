/**
 * Display messages, version-neutral (issue #13, block O; OCPP 2.0.1 and 2.1 only: 1.6 has none).
 *
 * The model a CSMS keeps of what each station shows: what it set (SetDisplayMessage accepted) and
 * what the station reports (NotifyDisplayMessages), mapped to and from 2.x MessageInfoType. Pure.
 */

export type MessagePriority = 'AlwaysFront' | 'InFront' | 'NormalCycle';
export type MessageState = 'Charging' | 'Faulted' | 'Idle' | 'Unavailable';
export type MessageFormat = 'ASCII' | 'HTML' | 'URI' | 'UTF8';

export const MESSAGE_PRIORITIES: readonly MessagePriority[] = ['AlwaysFront', 'InFront', 'NormalCycle'];
export const MESSAGE_STATES: readonly MessageState[] = ['Charging', 'Faulted', 'Idle', 'Unavailable'];
export const MESSAGE_FORMATS: readonly MessageFormat[] = ['ASCII', 'HTML', 'URI', 'UTF8'];

/** Where on the station a message shows (2.x ComponentType: a display, optionally of one EVSE). */
export interface MessageDisplay {
  name: string;
  instance?: string;
  evseId?: number;
  connectorId?: number;
}

export interface DisplayMessage {
  /** Unique per station. */
  id: number;
  priority: MessagePriority;
  /** Shown only in this station state; absent: in any. */
  state?: MessageState;
  /** ISO times. */
  startsAt?: string;
  endsAt?: string;
  /** Shown only during this transaction (2.x transactionId). */
  transactionId?: string;
  format: MessageFormat;
  language?: string;
  content: string;
  display?: MessageDisplay;
}

/** SetDisplayMessage answers other than Accepted, as the station gives them. */
export type DisplayMessageStatus = 'Accepted' | 'NotSupportedMessageFormat' | 'Rejected' | 'NotSupportedPriority' | 'NotSupportedState' | 'UnknownTransaction';

export interface DisplayMessageProblem {
  path: string;
  message: string;
}

/** What the 2.0.1 schema would refuse, said before anything is sent (one 400 naming every problem). */
export function validateDisplayMessage(m: DisplayMessage): DisplayMessageProblem[] {
  const problems: DisplayMessageProblem[] = [];
  if (!Number.isInteger(m.id) || m.id < 0 || m.id > 2 ** 31 - 1) problems.push({ path: 'id', message: 'must be an integer from 0 to 2^31-1' });
  if (m.content.length > 512) problems.push({ path: 'content', message: `at most 512 characters (got ${m.content.length})` });
  if (m.language !== undefined && m.language.length > 8) problems.push({ path: 'language', message: 'an RFC 5646 language code of at most 8 characters' });
  if (m.transactionId !== undefined && m.transactionId.length > 36) problems.push({ path: 'transactionId', message: 'at most 36 characters' });
  if (m.startsAt !== undefined && m.endsAt !== undefined && Date.parse(m.endsAt) <= Date.parse(m.startsAt)) {
    problems.push({ path: 'endsAt', message: 'must be after startsAt' });
  }
  if (m.display && m.display.name.length > 50) problems.push({ path: 'display.name', message: 'at most 50 characters' });
  return problems;
}

/** 2.x MessageInfoType. */
export interface MessageInfo2 {
  id: number;
  priority: string;
  state?: string;
  startDateTime?: string;
  endDateTime?: string;
  transactionId?: string;
  message: { format: string; language?: string; content: string };
  display?: { name: string; instance?: string; evse?: { id: number; connectorId?: number } };
}

export function toMessageInfo(m: DisplayMessage): MessageInfo2 {
  return {
    id: m.id,
    priority: m.priority,
    ...(m.state !== undefined ? { state: m.state } : {}),
    ...(m.startsAt !== undefined ? { startDateTime: m.startsAt } : {}),
    ...(m.endsAt !== undefined ? { endDateTime: m.endsAt } : {}),
    ...(m.transactionId !== undefined ? { transactionId: m.transactionId } : {}),
    message: { format: m.format, ...(m.language !== undefined ? { language: m.language } : {}), content: m.content },
    ...(m.display
      ? {
          display: {
            name: m.display.name,
            ...(m.display.instance !== undefined ? { instance: m.display.instance } : {}),
            ...(m.display.evseId !== undefined
              ? { evse: { id: m.display.evseId, ...(m.display.connectorId !== undefined ? { connectorId: m.display.connectorId } : {}) } }
              : {}),
          },
        }
      : {}),
  };
}

export function fromMessageInfo(info: MessageInfo2): DisplayMessage {
  const d = info.display;
  return {
    id: info.id,
    priority: info.priority as MessagePriority,
    ...(info.state !== undefined ? { state: info.state as MessageState } : {}),
    ...(info.startDateTime !== undefined ? { startsAt: info.startDateTime } : {}),
    ...(info.endDateTime !== undefined ? { endsAt: info.endDateTime } : {}),
    ...(info.transactionId !== undefined ? { transactionId: info.transactionId } : {}),
    format: info.message.format as MessageFormat,
    ...(info.message.language !== undefined ? { language: info.message.language } : {}),
    content: info.message.content,
    ...(d
      ? {
          display: {
            name: d.name,
            ...(d.instance !== undefined ? { instance: d.instance } : {}),
            ...(d.evse ? { evseId: d.evse.id, ...(d.evse.connectorId !== undefined ? { connectorId: d.evse.connectorId } : {}) } : {}),
          },
        }
      : {}),
  };
}

/** The next free message id of a station: one above the highest it holds (0 when none). */
export function nextMessageId(held: readonly { id: number }[]): number {
  return held.reduce((max, m) => Math.max(max, m.id + 1), 0);
}
