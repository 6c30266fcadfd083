#!/usr/bin/env node
'use strict';
// The published CLI entry: a thin shim so `npx chunkscope` runs the bundled CLI.
require('../dist/cli.js');
