/**
 * The node panel against FIELDS (helpers/fields.ts), where each field's label, default and limits
 * are written once. n8n's lint wants literal defaults in the description, so this is where those
 * literals are checked against the values the code falls back to.
 */
import type { INodeProperties } from 'n8n-workflow';

import { Freepik } from '../../../nodes/Freepik/Freepik.node';
import { boxLabel, FIELDS, type Field } from '../../../nodes/Freepik/helpers/fields';
import { FREEPIK_RATE_LIMITS } from '../../../nodes/Freepik/transport/rateLimiter';

const properties = new Freepik().description.properties;

function field(name: string, operation: string): INodeProperties {
	const found = properties.find(
		(p) => p.name === name && p.displayOptions?.show?.operation?.includes(operation),
	);
	if (!found) throw new Error(`no field ${name} for operation ${operation}`);
	return found;
}

function option(collection: INodeProperties, name: string): INodeProperties {
	const found = (collection.options as INodeProperties[]).find((o) => o.name === name);
	if (!found) throw new Error(`no option ${name} in ${collection.name}`);
	return found;
}

describe('Freepik node panel defaults', () => {
	it('Isolate waits for completion by default, Get does not', () => {
		expect(field('waitForCompletion', 'isolate').default).toBe(true);
		expect(field('waitForCompletion', 'get').default).toBe(false);
	});

	it("shows Freepik's own rate limits as the default request rates", () => {
		const options = field('tuning', 'isolate');
		expect(option(options, 'averageRequestsPerSecond').default).toBe(
			FREEPIK_RATE_LIMITS.averagePerSecond,
		);
		expect(option(options, 'burstRequestsPerSecond').default).toBe(
			FREEPIK_RATE_LIMITS.burstPerSecond,
		);
	});

	/** Every parameter (options of collections included) with the FIELDS entry it shows. */
	function fieldsShown(): Array<{ parameter: INodeProperties; field: Field; name: string }> {
		const shown: Array<{ parameter: INodeProperties; field: Field; name: string }> = [];
		const visit = (list: INodeProperties[]) => {
			for (const parameter of list) {
				// The four bounding-box coordinates share one entry.
				const name = /^[xy][12]$/.test(parameter.name) ? 'boundingBox' : parameter.name;
				const field = (FIELDS as Record<string, Field>)[name];
				if (field) shown.push({ parameter, field, name });
				if (parameter.type === 'collection') visit(parameter.options as INodeProperties[]);
			}
		};
		visit(properties);
		return shown;
	}

	it('shows the label, default and limits of FIELDS on every field, in every operation', () => {
		const shown = fieldsShown();
		for (const { parameter, field } of shown) {
			const { minValue, maxValue } = parameter.typeOptions ?? {};
			const label = field === FIELDS.boundingBox ? boxLabel(parameter.name) : field.label;
			expect({ name: parameter.name, label: parameter.displayName }).toEqual({
				name: parameter.name,
				label,
			});
			if ('default' in field) {
				expect({ name: parameter.name, default: parameter.default }).toEqual({
					name: parameter.name,
					default: field.default,
				});
			}
			if (minValue !== undefined)
				expect({ [parameter.name]: minValue }).toEqual({ [parameter.name]: field.min });
			if (maxValue !== undefined)
				expect({ [parameter.name]: maxValue }).toEqual({ [parameter.name]: field.max });
		}
		expect(new Set(shown.map(({ name }) => name))).toEqual(new Set(Object.keys(FIELDS)));
	});
});
