// @ts-check
'use strict';
// The owner login and webhook secret of the local editor (`npm run dev`); the README screenshots
// (scripts/screenshots.js) use the same, so they show what a developer sees.
const DEV_OWNER = {
	email: 'dev@example.com',
	password: 'Freepik-dev-1',
	firstName: 'Dev',
	lastName: 'Owner',
};
const DEV_WEBHOOK_SECRET = 'dev-webhook-secret';

module.exports = { DEV_OWNER, DEV_WEBHOOK_SECRET };
