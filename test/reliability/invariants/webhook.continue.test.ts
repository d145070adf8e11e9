import { matrixSuite } from './suite';

matrixSuite(
	'webhook-continue',
	(row) => row.wait === 'webhook' && row.onError === 'continueRegularOutput',
);
