// The page of `hcr-ocr serve`: a writing pad (pointer events: mouse, pen, touch), a photo drop, and the
// result of POST /read?overlay=1 (the text, the overlay picture, each character's alternatives on hover).
"use strict";

const canvas = document.getElementById("canvas");
const ctx = canvas.getContext("2d");
const pad = document.getElementById("pad");
const fileInput = document.getElementById("file");
const penInput = document.getElementById("pen");
const readButton = document.getElementById("read");
const statusBox = document.getElementById("status");
const textBox = document.getElementById("text");
const overlayWrap = document.getElementById("overlay-wrap");
const overlayImg = document.getElementById("overlay");
const boxes = document.getElementById("boxes");
const tip = document.getElementById("tip");
const photoLabel = document.getElementById("photo-label");

let drawn = false; // something is written on the pad
let photo = null; // the dropped or opened file, sent as it is
let last = null; // the previous point of the stroke being drawn
let page = null; // the last result

// ---- the pad ---------------------------------------------------------------------------------------------

function clearPad() {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  drawn = false;
  photo = null;
  photoLabel.hidden = true;
  pad.classList.remove("has-photo");
}

function point(event) {
  const r = canvas.getBoundingClientRect();
  return [
    ((event.clientX - r.left) * canvas.width) / r.width,
    ((event.clientY - r.top) * canvas.height) / r.height,
  ];
}

function strokeTo(p) {
  ctx.strokeStyle = "#111";
  ctx.lineWidth = Number(penInput.value);
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo(last[0], last[1]);
  ctx.lineTo(p[0], p[1]);
  ctx.stroke();
  last = p;
}

canvas.addEventListener("pointerdown", (event) => {
  if (event.button !== 0) return;
  event.preventDefault();
  if (photo) clearPad(); // writing starts afresh over a photo's preview
  canvas.setPointerCapture(event.pointerId);
  last = point(event);
  strokeTo(last); // a dot for a tap
  drawn = true;
});

canvas.addEventListener("pointermove", (event) => {
  if (!last) return;
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const e of events.length ? events : [event]) strokeTo(point(e));
});

for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) {
  canvas.addEventListener(type, () => {
    last = null;
  });
}

// ---- a photo: opened or dropped ---------------------------------------------------------------------------

function showPhoto(file) {
  clearPad();
  photo = file;
  photoLabel.textContent = file.name || "photo";
  photoLabel.hidden = false;
  pad.classList.add("has-photo");
  const url = URL.createObjectURL(file);
  const img = new Image();
  img.onload = () => {
    const s = Math.min(canvas.width / img.width, canvas.height / img.height);
    const w = img.width * s;
    const h = img.height * s;
    ctx.drawImage(img, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
    URL.revokeObjectURL(url);
  };
  img.onerror = () => URL.revokeObjectURL(url); // the server will say what is wrong with it
  img.src = url;
  readImage();
}

fileInput.addEventListener("change", () => {
  if (fileInput.files.length) showPhoto(fileInput.files[0]);
  fileInput.value = "";
});

pad.addEventListener("dragover", (event) => {
  event.preventDefault();
  pad.classList.add("dragging");
});
pad.addEventListener("dragleave", () => pad.classList.remove("dragging"));
pad.addEventListener("drop", (event) => {
  event.preventDefault();
  pad.classList.remove("dragging");
  const file = event.dataTransfer.files[0];
  if (file) showPhoto(file);
});

// ---- reading ---------------------------------------------------------------------------------------------

function setStatus(message, isError, state) {
  statusBox.textContent = message;
  statusBox.classList.toggle("error", Boolean(isError));
  document.body.dataset.state = state || (isError ? "error" : "idle"); // for scripts and tests: idle, reading, done, error
}

function padImage() {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

async function readImage() {
  if (!photo && !drawn) {
    setStatus("Write something on the pad first, or drop a photo.", true);
    return;
  }
  readButton.disabled = true;
  setStatus("Reading…", false, "reading");
  try {
    const body = photo || (await padImage());
    const name = photo ? photo.name || "photo" : "pad.png";
    const response = await fetch(`/read?overlay=1&name=${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { "Content-Type": body.type || "application/octet-stream" },
      body,
    });
    const answer = await response.json().catch(() => ({ detail: response.statusText }));
    if (!response.ok) {
      const detail = typeof answer.detail === "string" ? answer.detail : JSON.stringify(answer.detail);
      setStatus(`Not read (${response.status}): ${detail}`, true);
      return;
    }
    showResult(answer);
  } catch (err) {
    setStatus(`Not read: ${err.message}`, true);
  } finally {
    readButton.disabled = false;
  }
}

// ---- the result ------------------------------------------------------------------------------------------

function charsOf(result) {
  const out = [];
  result.lines.forEach((line, li) =>
    line.words.forEach((word, wi) => word.chars.forEach((ch) => out.push({ ch, word, li, wi }))),
  );
  return out;
}

function showResult(result) {
  page = result;
  const chars = charsOf(result);
  textBox.replaceChildren();
  let index = 0;
  result.lines.forEach((line, li) => {
    if (li) textBox.append("\n");
    line.words.forEach((word, wi) => {
      if (wi) textBox.append(" ");
      for (const ch of word.chars) {
        const span = document.createElement("span");
        span.className = "ch" + (ch.confidence < 0.5 ? " unsure" : "");
        span.textContent = ch.text;
        span.dataset.index = String(index++);
        textBox.append(span);
      }
    });
  });
  const n = chars.length;
  const lines = result.lines.length;
  setStatus(
    n
      ? `Read ${lines} line${lines === 1 ? "" : "s"}, ${n} character${n === 1 ? "" : "s"}.`
      : "Nothing read: the image looks blank.",
    false,
    "done",
  );
  boxes.replaceChildren();
  overlayWrap.hidden = false;
  overlayImg.onload = () => placeBoxes(result, chars);
  overlayImg.src = result.overlay;
}

function placeBoxes(result, chars) {
  // The overlay is the image enlarged by `scale`, below a white band `top` pixels high.
  const W = overlayImg.naturalWidth;
  const H = overlayImg.naturalHeight;
  const scale = W / result.width;
  const top = H - Math.round(result.height * scale);
  chars.forEach(({ ch }, i) => {
    const [x0, y0, x1, y1] = ch.bbox;
    const box = document.createElement("div");
    box.dataset.index = String(i);
    box.style.left = `${((x0 * scale) / W) * 100}%`;
    box.style.top = `${((y0 * scale + top) / H) * 100}%`;
    box.style.width = `${(((x1 - x0) * scale) / W) * 100}%`;
    box.style.height = `${(((y1 - y0) * scale) / H) * 100}%`;
    boxes.append(box);
  });
}

// ---- the alternatives, on hover (or on a tap) --------------------------------------------------------------

function percent(p) {
  return `${(p * 100).toFixed(p >= 0.995 || p < 0.1 ? 1 : 0)}%`;
}

function showTip(index, x, y) {
  const item = page && charsOf(page)[index];
  if (!item) return;
  const { ch, word } = item;
  tip.replaceChildren();
  const head = document.createElement("div");
  head.className = "head";
  head.textContent = `“${ch.text}” ${percent(ch.confidence)} · in “${word.text}”` + (word.lexicon ? " (word list)" : "");
  tip.append(head);
  for (const alt of ch.alternatives) {
    const row = document.createElement("div");
    row.className = "row";
    const label = document.createElement("b");
    label.textContent = alt.text;
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = `${Math.max(2, alt.confidence * 100)}%`;
    const value = document.createElement("span");
    value.textContent = percent(alt.confidence);
    row.append(label, bar, value);
    tip.append(row);
  }
  tip.hidden = false;
  const r = tip.getBoundingClientRect();
  tip.style.left = `${Math.min(x + 14, window.innerWidth - r.width - 8)}px`;
  tip.style.top = `${Math.min(y + 16, window.innerHeight - r.height - 8)}px`;
  for (const el of document.querySelectorAll(`[data-index="${index}"]`)) el.classList.add("on");
}

function hideTip() {
  tip.hidden = true;
  for (const el of document.querySelectorAll(".on")) el.classList.remove("on");
}

for (const host of [textBox, boxes]) {
  host.addEventListener("pointerover", (event) => {
    const el = event.target.closest("[data-index]");
    if (!el) return;
    hideTip();
    showTip(Number(el.dataset.index), event.clientX, event.clientY);
  });
  host.addEventListener("pointerout", (event) => {
    // a finger's tap leaves the tip up until the next tap elsewhere
    if (event.pointerType !== "touch" && event.target.closest("[data-index]")) hideTip();
  });
}
document.addEventListener("pointerdown", (event) => {
  if (!event.target.closest("[data-index]")) hideTip();
});

document.getElementById("clear").addEventListener("click", () => {
  clearPad();
  setStatus("Cleared.");
});
readButton.addEventListener("click", readImage);
clearPad();
