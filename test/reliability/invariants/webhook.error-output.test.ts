import { matrixSuite } from './suite';

matrixSuite(
	'webhook-error-output',
	(row) => row.wait === 'webhook' && row.onError === 'continueErrorOutput',
);
