#!/usr/bin/env node
// Lints each Dockerfile named on the command line with dockerfile-utils' validator (the diagnostics of the
// Dockerfile language server behind VS Code's Docker extension) and prints one line per diagnostic:
//   path:line:column: severity: message [code]
// Every rule that the validator lets a caller set is raised to warning level (some default to ignore), so nothing
// it can report is left out. Exits 1 when any file has a diagnostic, 2 on a usage error; DockerfileLintIT in
// deployment-tests runs it and requires exit 0.
"use strict";

const fs = require("fs");
const { validate, ValidationSeverity } = require("dockerfile-utils");

// Every setting of dockerfile-utils 0.16's ValidatorSettings (lib/main.d.ts).
const SETTINGS = Object.fromEntries([
  "deprecatedMaintainer",
  "directiveCasing",
  "emptyContinuationLine",
  "instructionCasing",
  "instructionCmdMultiple",
  "instructionEntrypointMultiple",
  "instructionHealthcheckMultiple",
  "instructionJSONInSingleQuotes",
  "instructionWorkdirRelative",
].map((rule) => [rule, ValidationSeverity.WARNING]));

// The LSP DiagnosticSeverity numbers that Diagnostic.severity carries.
const SEVERITY = { 1: "error", 2: "warning", 3: "information", 4: "hint" };

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node lint.js Dockerfile...");
  process.exit(2);
}

let found = 0;
for (const file of files) {
  const diagnostics = validate(fs.readFileSync(file, "utf8"), SETTINGS);
  for (const d of diagnostics) {
    const where = `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
    console.log(`${where}: ${SEVERITY[d.severity] || d.severity}: ${d.message} [${d.code}]`);
  }
  found += diagnostics.length;
}
process.exit(found === 0 ? 0 : 1);
