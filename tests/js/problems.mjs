// What a page of the browser tests (form-e2e, component-e2e, serve-e2e) must not do unnoticed:
// log an error or a warning (CSP violations show up there), throw, or open a dialog (which a
// hostile name might try). One definition of it for the three suites.

// Records `page`'s problems in `page.problems` from now on. A console line matching one of
// `page.expected` (patterns a scenario adds for what it causes on purpose, such as the browser
// logging a 4xx answer) is not a problem.
export function watch(page) {
  page.problems = [];
  page.expected = [];
  page.on("console", (m) => {
    const text = m.text();
    if ((m.type() === "error" || m.type() === "warning") && !page.expected.some((re) => re.test(text))) {
      page.problems.push(`console ${m.type()}: ${text}`);
    }
  });
  page.on("pageerror", (e) => page.problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    page.problems.push(`dialog ${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return page;
}

// Closes `page`, then fails if it reported a problem.
export async function finish(page) {
  const problems = page.problems;
  await page.close();
  if (problems.length) throw new Error(`the page reported problems:\n  ${problems.join("\n  ")}`);
}
