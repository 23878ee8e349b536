import type { StationSession } from '../../handler-context.js';

/** What a vendor handler may answer (DataTransfer.conf / DataTransferResponse, minus UnknownVendorId). */
export interface VendorAnswer {
  status: 'Accepted' | 'Rejected' | 'UnknownMessageId';
  /** Any JSON; sent as a string (JSON-encoded when not one) to a 1.6 station. */
  data?: unknown;
}

export interface VendorMessage {
  session: StationSession;
  messageId?: string;
  /** As sent: a string on 1.6, any JSON on 2.x. */
  data?: unknown;
}

export type VendorHandler = (message: VendorMessage) => VendorAnswer | Promise<VendorAnswer>;

/** One vendor's extension: handlers per messageId, and one for messages without (or with an unlisted) messageId. */
export interface VendorExtension {
  messages?: Readonly<Record<string, VendorHandler>>;
  fallback?: VendorHandler;
}

/**
 * Inbound DataTransfer handlers by vendorId. vendorId and messageId are CiStrings in 1.6, so
 * both are matched case-insensitively. Unknown vendor → UnknownVendorId; known vendor without a
 * handler for the messageId (and no fallback) → UnknownMessageId, as both specs require.
 */
export class VendorRegistry {
  private readonly vendors = new Map<string, { messages: Map<string, VendorHandler>; fallback?: VendorHandler }>();

  register(vendorId: string, extension: VendorExtension): this {
    const messages = new Map(Object.entries(extension.messages ?? {}).map(([id, h]) => [id.toLowerCase(), h]));
    this.vendors.set(vendorId.toLowerCase(), { messages, fallback: extension.fallback });
    return this;
  }

  /** The handler for this vendorId and messageId, or the status to answer when there is none. */
  resolve(vendorId: string, messageId: string | undefined): VendorHandler | 'UnknownVendorId' | 'UnknownMessageId' {
    const vendor = this.vendors.get(vendorId.toLowerCase());
    if (!vendor) return 'UnknownVendorId';
    const handler = (messageId !== undefined ? vendor.messages.get(messageId.toLowerCase()) : undefined) ?? vendor.fallback;
    return handler ?? 'UnknownMessageId';
  }
}

/** No vendor registered: every inbound DataTransfer is answered UnknownVendorId (and still stored). */
export const NO_VENDORS = new VendorRegistry();
