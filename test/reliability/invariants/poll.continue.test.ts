import { matrixSuite } from './suite';

matrixSuite(
	'poll-continue',
	(row) => row.wait === 'poll' && row.onError === 'continueRegularOutput',
);
