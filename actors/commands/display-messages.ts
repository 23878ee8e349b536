import { CsmsError } from '../../core/errors.js';
import { nextMessageId, validateDisplayMessage, type DisplayMessage } from '../../core/display-messages.js';
import * as clear2 from '../actions/ocpp2/clear-display-message.js';
import * as get2 from '../actions/ocpp2/get-display-messages.js';
import * as set2 from '../actions/ocpp2/set-display-message.js';
import { stationCommand, type CommandScope } from './command.js';

const NO_16 = 'OCPP 1.6 has no display messages (block O is 2.0.1 and 2.1 only)';

/** A message to set; without an id the station's next free one (above every id it holds, set or reported). */
export type DisplayMessageInput = Omit<DisplayMessage, 'id'> & { id?: number };

async function resolved(scope: CommandScope, input: DisplayMessageInput): Promise<DisplayMessageInput> {
  const id = input.id ?? nextMessageId((await scope.store.displayMessages.list(scope.tenantId, { stationId: scope.stationId })).map((r) => r.message));
  const message: DisplayMessage = { ...input, id };
  const problems = validateDisplayMessage(message);
  if (problems.length > 0) {
    throw new CsmsError('VALIDATION_FAILED', `The display message cannot be sent: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
  }
  return message;
}

/** SetDisplayMessage (2.x); its onResult keeps what the station accepted (store.displayMessages). */
export const setDisplayMessage = stationCommand<DisplayMessageInput>(
  'SetDisplayMessage',
  { ocpp2: set2 as unknown as { command: { action: string }; toOcpp(input: DisplayMessageInput): object } },
  { unavailable: NO_16, resolve: resolved },
);

/** ClearDisplayMessage (2.x); its onResult forgets the message. */
export const clearDisplayMessage = stationCommand<{ id: number }>('ClearDisplayMessage', { ocpp2: clear2 }, { unavailable: NO_16 });

/** GetDisplayMessages (2.x), answered by NotifyDisplayMessages pages correlated by the requestId in the reply's facts. */
export const getDisplayMessages = stationCommand<get2.GetDisplayMessagesInput>('GetDisplayMessages', { ocpp2: get2 }, { unavailable: NO_16 });
