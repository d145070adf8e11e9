// @ts-check
'use strict';
// The steps of scripts/e2e-editor.js, in order: what a person does in the editor, and the checks
// of what they see. Each step gets ctx { page, env, major, check, log } and may leave state for the
// next ones on ctx (the workflow it built).
const { installStep } = require('./editor-walk-install');
const { searchStep } = require('./editor-walk-search');
const { credentialStep } = require('./editor-walk-credential');
const { isolateStep, resumeStep } = require('./editor-walk-run');
const { httpStep } = require('./editor-walk-http');
const { errorsStep } = require('./editor-walk-errors');

const STEPS = [
	installStep,
	searchStep,
	credentialStep,
	isolateStep,
	resumeStep,
	httpStep,
	errorsStep,
];

module.exports = { STEPS };
