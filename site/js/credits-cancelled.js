// Back from a cancelled checkout: only the header to render.
document.addEventListener("DOMContentLoaded", () => { requireAccount(); });
