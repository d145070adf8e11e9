/**
 * Texts that must stand on their own: an AI Agent receives only an error's message (never its
 * description), so each one says what happened, what to change and whether anything was sent.
 */

/** A task Freepik accepted and then reported FAILED (Freepik gives no reason). */
export function failedTaskMessage(taskId: string): string {
	return (
		`Freepik task ${taskId} FAILED: Freepik accepted it but could not isolate the sound, and ` +
		'gives no reason. ' +
		'Likely causes: Freepik could not download the file (the URL is not public, needs a ' +
		'login, or has expired), ' +
		'the file is not really WAV/MP3/FLAC/OGG/M4A audio or MP4/MOV/WEBM/AVI video, or is ' +
		'damaged or silent, ' +
		'or the description names a sound that is not in the file. ' +
		'Check these and submit again: a new task is created (this one will not change).'
	);
}

/** Added to a completed task's output when the result links are not downloaded (tool mode). */
export const TEMPORARY_LINK_NOTE =
	'The links in "generated" are temporary signed URLs to the isolated WAV: they expire ' +
	'(minutes to a day), so download or share them promptly.';
