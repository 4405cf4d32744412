// The chosen file's name beside a file input drawn by _file_pick.html (the input itself is hidden).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  const shown = document.getElementById(`${input.id}-name`);
  if (shown) {
    shown.textContent = input.files.length ? Array.from(input.files, (f) => f.name).join("、") : input.dataset.empty;
  }
});
