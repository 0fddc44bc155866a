// axe-core for the browser tests (form-e2e, component-e2e, serve-e2e): one definition of what
// "axe-core clean" means in all three.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// The page's serious and critical axe-core violations, as "rule (impact): target" lines. axe is
// evaluated through the DevTools protocol (a page's CSP would refuse a script tag), and walks
// open shadow roots: a target inside one is a list of selectors, joined with " >>> ".
export async function axeProblems(page) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : t)).join(" ")}`));
}
