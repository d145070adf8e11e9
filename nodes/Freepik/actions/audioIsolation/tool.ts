import type { INodeProperties } from 'n8n-workflow';

import { FIELDS } from '../../helpers/fields';

const { maxLength } = FIELDS.description;

/*
 * What an AI Agent reads about this node when it is used as a tool.
 *
 * n8n 2.x builds a tool's description from the `toolDescription` parameter, or when that is empty
 * from the operation's short `action` ("Isolate a sound from audio or video in Freepik"), which
 * says nothing about inputs or results. A node that declares its own `toolDescription` gets no
 * "Set Automatically" switch from n8n, so each operation brings a full default here that users see
 * (and may edit) in the tool's settings. '@tool' limits these fields to the tool variant.
 */

export const ISOLATE_TOOL_DESCRIPTION = [
	'Isolates one sound (a voice, an instrument, a noise) from an audio or video file with ' +
		"Freepik's AI Audio Isolation and returns a link to a WAV file that holds only that sound.",
	'Inputs: the sound to keep, described in a few words such as "A person speaking" or "The ' +
		`acoustic guitar" (at most ${maxLength} characters); and the file's URL, ` +
		'which must be a public https:// link Freepik can download without logging in, to audio ' +
		'(WAV, MP3, FLAC, OGG, M4A) or video (MP4, MOV, WEBM, AVI).',
	'The call waits until Freepik has finished (usually seconds, up to a few minutes) and ' +
		'returns [{task_id, status, generated, note}]: status COMPLETED with generated = [the WAV ' +
		'link].',
	'The WAV link is temporary (it expires within minutes to a day): give it to the user right ' +
		'away and do not store it.',
	'If the input is invalid the error says which field to fix and that nothing was sent; if ' +
		'Freepik reports FAILED the error gives the task_id and likely causes.',
	'Each call creates one paid task: call again only to fix an error, never to retry a call ' +
		'that succeeded.',
].join(' ');

export const GET_TOOL_DESCRIPTION = [
	'Looks up one Freepik AI Audio Isolation task by its task_id (the id an isolate call ' +
		'returned) and returns [{task_id, status, generated}].',
	'status is CREATED, IN_PROGRESS, COMPLETED or FAILED; when COMPLETED, generated holds ' +
		'temporary links (they expire) to the isolated WAV file.',
].join(' ');

export const GET_MANY_TOOL_DESCRIPTION =
	"Lists the account's Freepik AI Audio Isolation tasks as [{task_id, status, generated}]; " +
	'generated holds temporary links (they expire) to the WAV files of COMPLETED tasks.';

const toolDescription = (operation: string, text: string): INodeProperties => ({
	displayName: 'Tool Description',
	name: 'toolDescription',
	type: 'string',
	typeOptions: { rows: 6 },
	default: text,
	required: true,
	description:
		'What the AI Agent reads about this tool: what it does, the rules for its inputs and ' +
		'what it returns. The default fits this operation; edit it to add your own guidance.',
	displayOptions: {
		show: { '@tool': [true], resource: ['audioIsolation'], operation: [operation] },
	},
});

/** One `toolDescription` per operation, shown only on the tool variant of the node. */
export const toolDescriptionFields: INodeProperties[] = [
	toolDescription('isolate', ISOLATE_TOOL_DESCRIPTION),
	toolDescription('get', GET_TOOL_DESCRIPTION),
	toolDescription('getAll', GET_MANY_TOOL_DESCRIPTION),
];

/**
 * How the model should fill each argument: the tool variant's fields default to `$fromAI` with
 * these hints, so a new tool works without setup (users may still type their own values).
 */
export const FROM_AI_HINTS = {
	description:
		'The sound to keep, in a few words, e.g. A person speaking or The acoustic guitar; at most ' +
		`${maxLength} characters`,
	url:
		'Public https:// URL of the audio (WAV, MP3, FLAC, OGG, M4A) or video (MP4, MOV, WEBM, ' +
		'AVI) file; Freepik must be able to download it without a login',
	taskId: 'The task_id an earlier isolate call returned',
} as const;

/** A tool-variant default that lets the model fill the field, described by `hint`. */
export function fromAi(key: string, hint: string): string {
	return `={{ $fromAI('${key}', ${JSON.stringify(hint)}, 'string') }}`;
}
