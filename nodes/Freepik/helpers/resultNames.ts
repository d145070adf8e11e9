import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** `episode-42.mp3` → `episode-42`; empty when nothing usable is left. */
function stem(fileName: string): string {
	const base = fileName.split(/[\\/]/).pop() ?? '';
	return base.replace(/\.[^.]*$/, '').trim();
}

/** The name of the file an Isolate item sent: its binary file name, or the URL path basename. */
export function inputStem(ctx: IExecuteFunctions, itemIndex: number): string {
	const source = ctx.getNodeParameter('inputSource', itemIndex, 'binary') as string;
	if (source === 'binary') {
		const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
		return stem(ctx.getInputData()[itemIndex]?.binary?.[field]?.fileName ?? '');
	}
	if (source === 'url') {
		const url = String(ctx.getNodeParameter('url', itemIndex, '')).trim();
		if (!URL.canParse(url)) return '';
		const path = new URL(url).pathname;
		try {
			return stem(decodeURIComponent(path));
		} catch {
			return stem(path);
		}
	}
	return '';
}

/**
 * Names each downloaded WAV after the item's input (`episode-42.mp3` → `episode-42-isolated.wav`,
 * further results `episode-42-isolated_1.wav`); without an input name the task id stays the name.
 */
export function nameResultsAfterInputs(
	ctx: IExecuteFunctions,
	output: INodeExecutionData[],
): INodeExecutionData[] {
	for (const item of output) {
		const itemIndex = (item.pairedItem as { item?: number } | undefined)?.item;
		if (!item.binary || itemIndex === undefined || item.json.error !== undefined) continue;
		const name = inputStem(ctx, itemIndex);
		if (!name) continue;
		const files = Object.values(item.binary) as IBinaryData[];
		files.forEach((file, index) => {
			file.fileName = `${name}-isolated${index === 0 ? '' : `_${index}`}.wav`;
		});
	}
	return output;
}
