/**
 * The codex files decide where n8n's editor lists the nodes. Its regular search (first step, a
 * node's + handle, "Action in an app") hides a node in category AI unless it is an AI root node,
 * and matches the words typed against the node's name and aliases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Freepik } from '../../nodes/Freepik/Freepik.node';
import { FreepikTrigger } from '../../nodes/Freepik/FreepikTrigger.node';
import { FreepikApi } from '../../credentials/FreepikApi.credentials';

interface Codex {
	node: string;
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias: string[];
	resources: Record<string, Array<{ url: string }>>;
}

const ROOT = join(__dirname, '..', '..');
const readCodex = (file: string) =>
	JSON.parse(readFileSync(join(ROOT, 'nodes', file), 'utf8')) as Codex;
const homepage = (
	JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { homepage: string }
).homepage.replace(/#.*$/, '');

const NODES = [
	{
		codex: readCodex('Freepik/Freepik.node.json'),
		displayName: new Freepik().description.displayName,
	},
	{
		codex: readCodex('Freepik/FreepikTrigger.node.json'),
		displayName: new FreepikTrigger().description.displayName,
	},
];

/** What a person types into the editor's search to find the package. */
const SEARCHES = ['Freepik', 'Magnific', 'audio isolation', 'isolate voice'];

describe.each(NODES)('codex of $displayName', ({ codex, displayName }) => {
	it('is not hidden from the regular search as an AI sub-node', () => {
		const aiRoot = codex.subcategories?.AI?.includes('Root Nodes') ?? false;
		expect(codex.categories.length).toBeGreaterThan(0);
		expect(codex.categories.includes('AI') && !aiRoot).toBe(false);
	});

	it.each(SEARCHES)('is matched by the search "%s" (name or an alias contains it)', (typed) => {
		const names = [displayName, ...codex.alias].map((n) => n.toLowerCase());
		expect(names.some((n) => n.includes(typed.toLowerCase()))).toBe(true);
	});

	it("links to this package's README, not to Freepik's API reference", () => {
		const urls = Object.values(codex.resources).flatMap((list) => list.map((r) => r.url));
		expect(urls.length).toBeGreaterThan(0);
		for (const url of urls) expect(url.startsWith(homepage)).toBe(true);
	});
});

it("the credential's documentation link is the README's credential section", () => {
	expect(new FreepikApi().documentationUrl).toBe(`${homepage}#credential-freepik-api`);
});
