// What the 现场检查 form keeps on the phone (loaded before onsite.js): an IndexedDB database
// "anjian-onsite" with a draft per inspection (the results based on a version, what this
// phone changed, the summary, the signatures) and the photos as Blobs; and the comparison of
// results the three-way merge uses. window.AnjianOnsite.store(id) opens one inspection's.
(function () {
  "use strict";

  const LABELS = { pass: "符合", fail: "不符合", na: "不适用" };
  let opened = null;

  function database() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const request = indexedDB.open("anjian-onsite", 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("drafts", { keyPath: "id" });
          db.createObjectStore("photos", { keyPath: "key", autoIncrement: true })
            .createIndex("inspection", "inspection");
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opened;
  }

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function objects(name, mode) {
    return (await database()).transaction(name, mode || "readonly").objectStore(name);
  }

  function store(id) {
    return {
      readDraft: async () => done((await objects("drafts")).get(id)),
      saveDraft: async (draft) => done((await objects("drafts", "readwrite")).put(draft)),
      dropDraft: async () => done((await objects("drafts", "readwrite")).delete(id)),
      readPhotos: async () => done((await objects("photos")).index("inspection").getAll(id)),
      putPhoto: async (photo) => done((await objects("photos", "readwrite")).put(photo)),
      dropPhoto: async (key) => done((await objects("photos", "readwrite")).delete(key)),
    };
  }

  // A result as the server keeps it: note trimmed, place and deadline only for 不符合.
  function clean(mark) {
    if (!mark || !mark.result) { return null; }
    const failed = mark.result === "fail";
    return {
      result: mark.result,
      note: (mark.note || "").trim(),
      place: failed ? (mark.place || "").trim() : "",
      deadline: failed ? (mark.deadline || null) : null,
    };
  }

  const same = (a, b) => JSON.stringify(clean(a)) === JSON.stringify(clean(b));

  function indexed(marks) {
    const found = {};
    (marks || []).forEach((mark) => { found[mark.entry_id] = clean(mark); });
    return found;
  }

  function describe(mark) {
    const m = clean(mark);
    if (!m) { return "未检查"; }
    const parts = [LABELS[m.result] || m.result];
    if (m.note) { parts.push(m.note); }
    if (m.place) { parts.push("部位：" + m.place); }
    if (m.deadline) { parts.push("期限：" + m.deadline); }
    return parts.join(" · ");
  }

  // A signature pad on a canvas: drawn with a finger or pen; ``signed(dataUrl)`` when a
  // stroke ends, ``cleared()`` on 清除重签; ``show(dataUrl)`` draws a kept signature.
  function signaturePad(block, signed, cleared) {
    const canvas = block.querySelector("canvas");
    const context = canvas.getContext("2d");
    const pad = { who: block.dataset.signature, drawn: false };
    let last = null;
    const point = (event) => {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * canvas.width / box.width,
        (event.clientY - box.top) * canvas.height / box.height];
    };
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!last) { return; }
      const next = point(event);
      context.lineWidth = 3; context.lineCap = "round"; context.strokeStyle = "#111";
      context.beginPath(); context.moveTo(last[0], last[1]); context.lineTo(next[0], next[1]);
      context.stroke();
      last = next; pad.drawn = true;
    });
    const finish = () => {
      if (!last) { return; }
      last = null;
      if (pad.drawn) { signed(pad.who, canvas.toDataURL("image/png")); }
    };
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    block.querySelector("[data-clear]").addEventListener("click", () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      pad.drawn = false;
      cleared(pad.who);
    });
    pad.show = (dataUrl) => {
      if (!dataUrl || pad.drawn) { return; }
      const image = new Image();
      image.onload = () => { context.drawImage(image, 0, 0); pad.drawn = true; };
      image.src = dataUrl;
    };
    return pad;
  }

  window.AnjianOnsite = {
    store: store, clean: clean, same: same, indexed: indexed, describe: describe,
    signaturePad: signaturePad,
  };
})();
