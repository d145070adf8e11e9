/** A JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON text parsed; anything but a string is taken as parsed already (undefined: nothing). */
export function parseJson(body: unknown): { ok: true; value: unknown } | { ok: false } {
	if (typeof body !== 'string')
		return body === undefined ? { ok: false } : { ok: true, value: body };
	try {
		return { ok: true, value: JSON.parse(body) };
	} catch {
		return { ok: false };
	}
}
