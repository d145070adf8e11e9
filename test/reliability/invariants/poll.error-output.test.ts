import { matrixSuite } from './suite';

matrixSuite(
	'poll-error-output',
	(row) => row.wait === 'poll' && row.onError === 'continueErrorOutput',
);
