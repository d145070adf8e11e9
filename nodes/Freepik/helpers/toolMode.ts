import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { TEMPORARY_LINK_NOTE } from './messages';

/**
 * Whether the node runs as an AI Agent's tool. n8n derives a tool from a `usableAsTool` node by
 * adding "Tool" to its type (`n8n-nodes-freepik.freepik` → `n8n-nodes-freepik.freepikTool`).
 */
export function isToolMode(ctx: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/**
 * The same parameter twice: as it is for workflows, and with `toolChanges` (e.g. another default)
 * on the tool variant. n8n shows one or the other through the '@tool' display option.
 */
export function withToolVariant(
	property: INodeProperties,
	toolChanges: Partial<INodeProperties>,
): INodeProperties[] {
	const showFor = (tool: boolean) => ({
		...property.displayOptions,
		show: { ...property.displayOptions?.show, '@tool': [tool] },
	});
	return [
		{ ...property, displayOptions: showFor(false) },
		{ ...property, ...toolChanges, displayOptions: showFor(true) },
	];
}

/** Says on each finished task that its links expire: an agent gets links, not files. */
export function noteTemporaryLinks(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map((item) => {
		const generated = (item.json as IDataObject).generated;
		if (!Array.isArray(generated) || generated.length === 0) return item;
		return { ...item, json: { ...item.json, note: TEMPORARY_LINK_NOTE } };
	});
}
