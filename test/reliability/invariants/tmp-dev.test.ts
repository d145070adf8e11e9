import { matrixSuite } from './suite';

matrixSuite(
	'dev',
	(row) =>
		row.items !== 31 &&
		row.retry === false &&
		row.onError !== 'continueErrorOutput' &&
		(row.fault === 'none' || row.fault === 'failed'),
	4,
);
