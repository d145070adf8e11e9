import { createHash } from 'crypto';

/** Hex SHA-256 of a text: how the node keeps a key or a request without keeping it. */
export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
