/**
 * What survives while an execution waits for Freepik's callbacks: the batch's task ids and where
 * to put the results, packed into n8n's execution custom data. n8n keeps at most 10 keys per
 * execution (keys beyond that are dropped silently) and cuts every value at 512 characters.
 *
 * Layout: one header key `freepik_resume` =
 * `2|<item count>|<id key count>|<wait id>|<output binary field or empty>`, and id keys
 * `freepik_ids_0` … `freepik_ids_<id key count - 1>` holding one entry per input item, in item
 * order: a task id that is a UUID as 22 characters of base64url (its 16 bytes), `~` for an item
 * that has no task (Continue On Fail), `?` for an item whose create's answer was lost (a task may
 * exist), any other id as `*<base64url of its UTF-8>*`.
 *
 * n8n merges custom data key by key across the waits of one execution and never removes a key, so
 * a later wait finds an earlier wait's keys: the header says how many id keys are this wait's, and
 * the wait id (node and run) tells a late callback of an earlier wait from one of this wait.
 */

export const CUSTOM_DATA_KEY_LIMIT = 10;
export const CUSTOM_DATA_VALUE_LIMIT = 512;
export const HEADER_KEY = 'freepik_resume';
export const IDS_KEY_PREFIX = 'freepik_ids_';
const FORMAT_VERSION = '2';
/** Before the id key count and wait id were in the header (still read, never written). */
const FORMAT_VERSION_1 = '1';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PACKED_UUID_LENGTH = 22;
const NO_TASK = '~';
const MAY_EXIST = '?';
const OTHER_ID = '*';
/** Whole UUID entries that fit in one value. */
export const IDS_PER_KEY = Math.floor(CUSTOM_DATA_VALUE_LIMIT / PACKED_UUID_LENGTH);
/** Longest output binary field name the header keeps. */
export const MAX_FIELD_NAME_LENGTH = 200;

export interface ResumeBatch {
	/** One entry per input item: its task id, or null when the item has no task. */
	taskIds: Array<string | null>;
	/** Items (without id) whose create's answer was lost: a task may exist. */
	uncertain?: number[];
	/** Output binary field for the WAVs; undefined: no download. */
	downloadTo?: string;
	/** Which wait of the execution (node and run) this is; letters and digits. */
	waitId?: string;
}

/**
 * Keys the batch needs (header included): the same for any ids, so it
 * can be checked before any request.
 */
export const keysNeeded = (itemCount: number) =>
	1 + Math.max(1, Math.ceil(itemCount / IDS_PER_KEY));

/** The largest batch that fits beside `keysInUse` custom data keys the workflow already set. */
export const largestBatch = (keysInUse = 0) =>
	Math.max(0, CUSTOM_DATA_KEY_LIMIT - keysInUse - 1) * IDS_PER_KEY;

function encodeId(taskId: string | null, uncertain: boolean): string {
	if (taskId === null) return uncertain ? MAY_EXIST : NO_TASK;
	if (UUID.test(taskId)) return Buffer.from(taskId.replace(/-/g, ''), 'hex').toString('base64url');
	return `${OTHER_ID}${Buffer.from(taskId, 'utf8').toString('base64url')}${OTHER_ID}`;
}

function decodeUuid(packed: string): string {
	const hex = Buffer.from(packed, 'base64url').toString('hex');
	const groups = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
	return [...groups, hex.slice(20)].join('-');
}

/** The id key values of a batch; entries never straddle two values. */
function packIds(batch: ResumeBatch): string[] {
	const uncertain = new Set(batch.uncertain ?? []);
	const values: string[] = [''];
	batch.taskIds.forEach((taskId, index) => {
		const entry = encodeId(taskId, uncertain.has(index));
		if (entry.length > CUSTOM_DATA_VALUE_LIMIT)
			throw new Error(`task id too long to keep: ${taskId}`);
		if (values[values.length - 1].length + entry.length > CUSTOM_DATA_VALUE_LIMIT) values.push('');
		values[values.length - 1] += entry;
	});
	return values;
}

/**
 * Custom data entries for a batch. Id keys an earlier wait left in `current` are blanked (they
 * exist already, so this takes no key). Throws when the ids do not fit into `maxKeys` (only
 * possible with ids that are not UUIDs, which Freepik does not return).
 */
export function packBatch(
	batch: ResumeBatch,
	maxKeys = CUSTOM_DATA_KEY_LIMIT,
	current: Record<string, unknown> = {},
): Record<string, string> {
	const values = packIds(batch);
	if (values.length + 1 > maxKeys) {
		throw new Error(
			`${batch.taskIds.length} task ids need ${values.length + 1} custom data keys, ` +
				`${maxKeys} are free`,
		);
	}
	const packed: Record<string, string> = {};
	for (const key of Object.keys(current)) if (key.startsWith(IDS_KEY_PREFIX)) packed[key] = '';
	const header = [FORMAT_VERSION, batch.taskIds.length, values.length, batch.waitId ?? ''];
	packed[HEADER_KEY] = [...header, batch.downloadTo ?? ''].join('|');
	values.forEach((value, index) => (packed[`${IDS_KEY_PREFIX}${index}`] = value));
	return packed;
}

type Entries = { ids: Array<string | null>; uncertain: number[] };

function splitEntries(text: string): Entries | undefined {
	const ids: Array<string | null> = [];
	const uncertain: number[] = [];
	for (let at = 0; at < text.length; ) {
		if (text[at] === NO_TASK || text[at] === MAY_EXIST) {
			if (text[at] === MAY_EXIST) uncertain.push(ids.length);
			ids.push(null);
			at += 1;
		} else if (text[at] === OTHER_ID) {
			const end = text.indexOf(OTHER_ID, at + 1);
			if (end < 0) return undefined;
			ids.push(Buffer.from(text.slice(at + 1, end), 'base64url').toString('utf8'));
			at = end + 1;
		} else {
			const packed = text.slice(at, at + PACKED_UUID_LENGTH);
			if (!/^[A-Za-z0-9_-]{22}$/.test(packed)) return undefined;
			ids.push(decodeUuid(packed));
			at += PACKED_UUID_LENGTH;
		}
	}
	return { ids, uncertain };
}

/** The id keys' text: exactly `keyCount` keys, or (format 1) every id key there is. */
function idText(customData: Record<string, unknown>, keyCount?: number): string | undefined {
	let text = '';
	for (let index = 0; ; index++) {
		const value = customData[`${IDS_KEY_PREFIX}${index}`];
		if (keyCount !== undefined && index >= keyCount) return text;
		if (typeof value !== 'string') return keyCount === undefined ? text : undefined;
		text += value;
	}
}

interface Header {
	itemCount: number;
	keyCount?: number;
	waitId: string;
	downloadTo: string;
}

function readHeader(header: unknown): Header | undefined {
	if (typeof header !== 'string') return undefined;
	const [version, count, ...rest] = header.split('|');
	const itemCount = Number(count);
	if (!Number.isInteger(itemCount) || itemCount < 1) return undefined;
	if (version === FORMAT_VERSION_1) return { itemCount, waitId: '', downloadTo: rest.join('|') };
	const [keys, waitId, ...field] = rest;
	const keyCount = Number(keys);
	if (version !== FORMAT_VERSION || !(Number.isInteger(keyCount) && keyCount >= 1))
		return undefined;
	return { itemCount, keyCount, waitId: waitId ?? '', downloadTo: field.join('|') };
}

/** The batch kept in custom data, or undefined when it is absent or damaged. */
export function unpackBatch(customData: Record<string, unknown>): ResumeBatch | undefined {
	const header = readHeader(customData[HEADER_KEY]);
	if (!header) return undefined;
	const text = idText(customData, header.keyCount);
	const entries = text === undefined ? undefined : splitEntries(text);
	if (!entries || entries.ids.length !== header.itemCount) return undefined;
	const { downloadTo, waitId } = header;
	return {
		taskIds: entries.ids,
		...(entries.uncertain.length ? { uncertain: entries.uncertain } : {}),
		...(downloadTo ? { downloadTo } : {}),
		...(waitId ? { waitId } : {}),
	};
}

/**
 * Custom data keys this mode writes (so the capacity check does not count a previous wait's keys).
 */
export const isOwnKey = (key: string) => key === HEADER_KEY || key.startsWith(IDS_KEY_PREFIX);
