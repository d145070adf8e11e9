import { matrixSuite } from './suite';

matrixSuite(
	'off-error-output',
	(row) => row.wait === 'off' && row.onError === 'continueErrorOutput',
);
