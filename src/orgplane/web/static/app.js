// The pages' own behaviour, kept out of the HTML: the Content-Security-Policy runs
// scripts from this server's files only, never inline ones.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.id === "org-switch" && target.form) {
    target.form.submit();
  }
});
