const { src, dest, task } = require('gulp');

// tsc compiles the code; icons and codex files are copied next to the compiled nodes.
function buildIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'nodes/**/*.node.json'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

task('build:icons', buildIcons);
