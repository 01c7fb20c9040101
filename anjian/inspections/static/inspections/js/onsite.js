// The 现场检查 form on a phone, offline first (templates/inspections/onsite/form.html).
//
// Every change is kept in IndexedDB at once — results and notes in a draft per inspection,
// photos as Blobs — and the status line says what waits: 已保存到本机，待上传 (N 项) /
// 正在上传… / 已同步 / 冲突. When the phone is online (on 保存, on load, on the "online"
// event) the draft goes to /api/v1/onsite-inspections/<id>: the results with the version
// they were based on, then the photos, then the signatures. A 409 (someone saved while this
// phone was offline) is merged three ways: what only this phone changed is sent again on
// the new version, what only the server changed is taken, and what both changed differently
// is shown — 保留本机 or 采用服务器, never decided silently. 完成检查 needs the network.
// The service worker (onsite_sw) keeps this page, its assets and the bundle for offline use.
// IndexedDB, the comparison of results and the signature pads are in onsite-store.js.
// Without these scripts the page is a plain form (views.inspection_form).
(function () {
  "use strict";

  const form = document.getElementById("onsite-form");
  if (!form || !window.indexedDB || !window.AnjianOnsite) { return; }
  const bundle = JSON.parse(document.getElementById("inspection-bundle").textContent);
  const ID = bundle.id;
  const API = form.dataset.api;
  const statusBox = document.getElementById("sync-status");
  const conflictBox = document.getElementById("conflict");
  const errorBox = document.getElementById("form-errors");
  const ENTRIES = {};
  bundle.entries.forEach((entry) => { ENTRIES[entry.id] = entry; });
  const state = {
    draft: null, photos: [], syncing: false, error: "", notice: "", offlineReady: false,
    registration: null, position: null, thumbs: new Map(),
  };

  const kept = window.AnjianOnsite.store(ID);
  const { clean, same, indexed, describe } = window.AnjianOnsite;
  const saveDraft = () => kept.saveDraft(state.draft);
  const readPhotos = kept.readPhotos;
  const putPhoto = kept.putPhoto;
  const dropPhoto = kept.dropPhoto;

  // --- the form -------------------------------------------------------------------------

  const cards = () => Array.from(form.querySelectorAll("[data-entry]"));
  const field = (card, name) => card.querySelector("[name^='" + name + "-']");

  function toggleFailed(card) {
    const checked = card.querySelector("input[type=radio]:checked");
    card.querySelector("[data-if-failed]").hidden = !checked || checked.value !== "fail";
  }

  function readCard(card) {
    const checked = card.querySelector("input[type=radio]:checked");
    if (!checked) { return null; }
    return {
      result: checked.value,
      note: field(card, "note").value,
      place: field(card, "place").value,
      deadline: field(card, "deadline").value || null,
    };
  }

  function setValue(input, value) {
    if (input && input.value !== value && document.activeElement !== input) { input.value = value; }
  }

  function showCard(card, mark) {
    card.querySelectorAll("input[type=radio]").forEach((radio) => {
      radio.checked = Boolean(mark) && radio.value === mark.result;
    });
    if (mark) {
      setValue(field(card, "note"), mark.note || "");
      if (mark.result === "fail") {
        setValue(field(card, "place"), mark.place || "");
        if (mark.deadline) { setValue(field(card, "deadline"), mark.deadline); }
      }
    }
    toggleFailed(card);
  }

  function render() {
    const draft = state.draft;
    cards().forEach((card) => {
      const id = card.dataset.entry;
      const local = Object.prototype.hasOwnProperty.call(draft.local, id);
      showCard(card, local ? draft.local[id] : draft.base[id]);
      card.classList.toggle("onsite-local", local);
      card.querySelector("[data-pending]").hidden = !local;
      card.classList.toggle("onsite-conflict", Boolean(draft.conflict && draft.conflict.includes(id)));
    });
    if (draft.summary !== null) { setValue(form.elements.summary, draft.summary); }
    if (draft.signer !== null) { setValue(form.elements.enterprise_signer, draft.signer); }
    pads.forEach((pad) => pad.show(draft.signatures[pad.who] || null));
    renderPhotos();
    showConflict();
    showStatus();
  }

  function pending() {
    const draft = state.draft;
    return Object.keys(draft.local).length + state.photos.filter((p) => !p.uploaded).length +
      (draft.signPending ? 1 : 0);
  }

  function showStatus() {
    if (!state.draft) { return; }
    let sync = "synced";
    let text = "已同步";
    const count = pending();
    if (state.syncing) {
      sync = "uploading"; text = "正在上传…";
    } else if (state.draft.conflict) {
      sync = "conflict"; text = "冲突：本机与服务器的结果不同，请选择保留哪一方";
    } else if (state.error) {
      sync = "error"; text = state.error + (count ? "（" + count + " 项仍保存在本机）" : "");
    } else if (count) {
      sync = "pending"; text = "已保存到本机，待上传 (" + count + " 项)";
    }
    const extra = [];
    if (!navigator.onLine) { extra.push("当前离线"); }
    if (state.offlineReady) { extra.push("本页可离线使用"); }
    if (state.notice) { extra.push(state.notice); }
    statusBox.hidden = false;
    statusBox.dataset.sync = sync;
    statusBox.dataset.pending = String(count);
    statusBox.querySelector("[data-status-text]").textContent = text;
    statusBox.querySelector("[data-status-extra]").textContent = extra.join(" · ");
  }

  async function edited(event) {
    const target = event.target;
    const card = target.closest("[data-entry]");
    const draft = state.draft;
    if (!draft) { return; }
    state.error = ""; state.notice = "";
    if (card && target.type === "file") {
      if (event.type === "change") { await addPhotos(card, target); }
      return;
    }
    if (card) {
      if (target.type === "radio") { toggleFailed(card); }
      const id = card.dataset.entry;
      const mark = readCard(card);
      if (!mark) { return; }
      if (same(mark, draft.base[id])) { delete draft.local[id]; } else { draft.local[id] = mark; }
      card.classList.toggle("onsite-local", id in draft.local);
      card.querySelector("[data-pending]").hidden = !(id in draft.local);
    } else if (target.name === "summary") {
      draft.summary = target.value;
    } else if (target.name === "enterprise_signer") {
      draft.signer = target.value;
      draft.signPending = true;
    } else {
      return;
    }
    await saveDraft();
    showStatus();
  }

  // --- photos ---------------------------------------------------------------------------

  async function addPhotos(card, input) {
    const entry = Number(card.dataset.entry);
    for (const file of Array.from(input.files)) {
      const blob = file.slice(0, file.size, file.type);
      await putPhoto({ inspection: ID, entry: entry, blob: blob, name: file.name || "photo.jpg",
        type: file.type, added: Date.now(), uploaded: false, evidence: null, error: "" });
    }
    input.value = "";
    state.photos = await readPhotos();
    renderPhotos();
    showStatus();
  }

  function thumb(photo) {
    if (state.thumbs.has(photo.key)) { return Promise.resolve(state.thumbs.get(photo.key)); }
    return new Promise((resolve) => {
      const reader = new FileReader();  // a data: URL (the CSP allows data: images, not blob:)
      reader.onload = () => { state.thumbs.set(photo.key, reader.result); resolve(reader.result); };
      reader.onerror = () => resolve("");
      reader.readAsDataURL(photo.blob);
    });
  }

  function renderPhotos() {
    cards().forEach((card) => {
      const box = card.querySelector("[data-photos]");
      box.querySelectorAll("[data-local-photo]").forEach((node) => node.remove());
      state.photos.filter((p) => String(p.entry) === card.dataset.entry).forEach((photo) => {
        if (photo.evidence && box.querySelector("[data-photo='" + photo.evidence + "']")) { return; }
        const holder = document.createElement("span");
        holder.className = "onsite-local-photo";
        holder.dataset.localPhoto = String(photo.key);
        holder.dataset.uploaded = photo.uploaded ? "1" : "0";
        const image = document.createElement("img");
        image.className = "onsite-thumb";
        image.alt = "现场照片";
        thumb(photo).then((url) => { if (url) { image.src = url; } });
        const badge = document.createElement("span");
        badge.className = "badge " + (photo.uploaded ? "bg-green-lt" : "bg-yellow-lt");
        badge.textContent = photo.uploaded ? "已上传" : (photo.error ? "未能上传" : "待上传");
        holder.append(image, badge);
        if (!photo.uploaded) {
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "btn btn-sm btn-link p-0 d-block";
          remove.textContent = "删除";
          remove.addEventListener("click", async () => {
            await dropPhoto(photo.key);
            state.photos = await readPhotos();
            renderPhotos(); showStatus();
          });
          holder.append(remove);
        }
        if (photo.error) { holder.title = photo.error; }
        box.append(holder);
      });
    });
  }

  // --- signatures -----------------------------------------------------------------------

  const pads = Array.from(document.querySelectorAll("[data-signature]")).map((block) =>
    window.AnjianOnsite.signaturePad(block, async (who, dataUrl) => {
      state.draft.signatures[who] = dataUrl;
      state.draft.signPending = true;
      await saveDraft();
      showStatus();
    }, async (who) => {
      delete state.draft.signatures[who];
      await saveDraft();
      showStatus();
    }));

  // --- talking to the server ------------------------------------------------------------

  function csrf() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.slice(10)) : form.elements.csrfmiddlewaretoken.value;
  }

  class Refused extends Error {}

  async function call(path, options) {
    const headers = Object.assign({ "X-CSRFToken": csrf(), Accept: "application/json" },
      options.json ? { "Content-Type": "application/json" } : {});
    let response;
    try {
      response = await fetch(API + path, { method: options.method || "POST", headers: headers,
        credentials: "same-origin", body: options.json ? JSON.stringify(options.json) : options.body });
    } catch (error) {
      const offline = new Error("网络不可用"); offline.network = true; throw offline;
    }
    let body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    if (response.status === 401) {
      throw new Refused("登录已过期：请重新登录后再上传，本机数据已保留");
    }
    if (response.status === 403) {
      throw new Refused((body && body.detail) || "页面已过期或无权操作：请刷新页面后重试");
    }
    return { status: response.status, ok: response.ok, body: body };
  }

  function position() {
    return state.position || { latitude: null, longitude: null };
  }

  async function sendMarks(retried) {
    const draft = state.draft;
    const ids = Object.keys(draft.local);
    if (!ids.length) { return; }
    const sent = {};
    ids.forEach((id) => { sent[id] = clean(draft.local[id]); });
    const answer = await call("/marks", { json: {
      expected_version: draft.version,
      marks: ids.map((id) => Object.assign({ entry_id: Number(id) }, sent[id])),
    } });
    if (answer.status === 409) { return merge(answer.body, retried); }
    if (answer.status === 422) { showErrors(answer.body); return; }
    if (!answer.ok) { throw new Refused((answer.body && answer.body.detail) || "上传失败"); }
    draft.version = answer.body.version;
    draft.base = indexed(answer.body.marks);
    Object.keys(draft.local).forEach((id) => {
      if (same(draft.local[id], sent[id]) || same(draft.local[id], draft.base[id])) { delete draft.local[id]; }
    });
    await saveDraft();
  }

  async function merge(server, retried) {
    const draft = state.draft;
    if (server.state && server.state !== "open") {
      state.error = "该检查已" + (server.state_label || server.state) + "，本机未上传的结果不能再保存";
      return;
    }
    const theirs = indexed(server.marks);
    const differing = [];
    Object.keys(draft.local).forEach((id) => {
      if (same(theirs[id], draft.local[id])) { delete draft.local[id]; return; }
      if (!same(theirs[id], draft.base[id])) { differing.push(id); }  // both changed it
    });
    draft.theirs = theirs;
    draft.base = theirs;
    draft.version = server.version;
    draft.conflict = differing.length ? differing : null;
    await saveDraft();
    if (!differing.length && !retried) { await sendMarks(true); }
  }

  function showConflict() {
    const draft = state.draft;
    conflictBox.hidden = !draft.conflict;
    const list = conflictBox.querySelector("[data-conflict-items]");
    list.textContent = "";
    (draft.conflict || []).forEach((id) => {
      const entry = ENTRIES[id] || { position: "", text: id };
      const item = document.createElement("div");
      item.className = "mb-2";
      item.dataset.conflictEntry = id;
      const title = document.createElement("div");
      title.className = "fw-bold";
      title.textContent = entry.position + ". " + entry.text;
      const mine = document.createElement("div");
      mine.textContent = "本机：" + describe(draft.local[id]);
      mine.dataset.side = "local";
      const theirs = document.createElement("div");
      theirs.textContent = "服务器：" + describe((draft.theirs || draft.base)[id]);
      theirs.dataset.side = "server";
      item.append(title, mine, theirs);
      list.append(item);
    });
  }

  async function resolve(keepLocal) {
    const draft = state.draft;
    if (!keepLocal) { (draft.conflict || []).forEach((id) => { delete draft.local[id]; }); }
    draft.conflict = null;
    delete draft.theirs;
    await saveDraft();
    render();
    await sync();
  }
  conflictBox.querySelector("[data-keep-local]").addEventListener("click", () => resolve(true));
  conflictBox.querySelector("[data-take-server]").addEventListener("click", () => resolve(false));

  async function sendPhotos() {
    for (const photo of state.photos.filter((p) => !p.uploaded)) {
      const body = new FormData();
      body.append("files", photo.blob, photo.name);
      body.append("entry_id", String(photo.entry));
      body.append("kind", "photo");
      const here = position();
      if (here.latitude !== null) {
        body.append("latitude", here.latitude); body.append("longitude", here.longitude);
      }
      const answer = await call("/evidence", { body: body });
      if (answer.status === 201) {
        photo.uploaded = true; photo.error = ""; photo.evidence = answer.body[0].id;
      } else {
        photo.error = messages(answer.body).join("；") || "上传失败";
        state.error = "有照片未能上传：" + photo.error;
      }
      await putPhoto(photo);
    }
    state.photos = await readPhotos();
  }

  async function refresh() {
    const answer = await call("", { method: "GET" });
    if (answer.ok) {
      state.draft.version = answer.body.version;
      if (!Object.keys(state.draft.local).length) { state.draft.base = indexed(answer.body.marks); }
    }
  }

  async function sendSignatures(retried) {
    const draft = state.draft;
    if (!draft.signPending) { return; }
    const signer = (draft.signer !== null ? draft.signer : form.elements.enterprise_signer.value).trim();
    if (!signer) { state.error = "请填写被检查单位现场负责人姓名，签名才能上传"; return; }
    const answer = await call("/sign", { json: {
      expected_version: draft.version,
      enterprise_signer: signer,
      enterprise_signature: draft.signatures.enterprise || null,
      inspector_signature: draft.signatures.inspector || null,
    } });
    if (answer.status === 409 && !retried) {  // a signature is given in person: sign again
      await refresh();
      return sendSignatures(true);
    }
    if (answer.status === 422) { showErrors(answer.body); return; }
    if (!answer.ok) { throw new Refused((answer.body && answer.body.detail) || "签名上传失败"); }
    draft.version = answer.body.version;
    draft.signPending = false;
    await saveDraft();
  }

  async function sync() {
    if (!state.draft || state.syncing || !navigator.onLine) { showStatus(); return; }
    if (state.draft.conflict || !pending()) { showStatus(); return; }
    state.syncing = true; state.error = ""; clearErrors(); showStatus();
    try {
      await sendMarks(false);
      if (!state.draft.conflict && !state.error) { await sendPhotos(); }
      if (!state.draft.conflict && !state.error) { await sendSignatures(false); }
      if (!pending()) { keepOffline(); }
    } catch (error) {
      if (!error.network) { state.error = error.message; }
    } finally {
      state.syncing = false;
      render();
    }
  }

  // --- errors from the server (422: [{loc: ["body", key], msg}]) -------------------------

  function messages(body) {
    if (!body) { return []; }
    if (typeof body.detail === "string") { return [body.detail]; }
    return (body.detail || []).map((item) => item.msg);
  }

  function clearErrors() {
    errorBox.hidden = true; errorBox.textContent = "";
    form.querySelectorAll("[data-errors]").forEach((node) => { node.textContent = ""; });
    form.querySelectorAll(".border-danger").forEach((node) => node.classList.remove("border-danger"));
  }

  function showErrors(body) {
    clearErrors();
    const general = [];
    const detail = typeof body.detail === "string" ? [{ loc: [], msg: body.detail }] : body.detail || [];
    detail.forEach((item) => {
      const key = (item.loc || [])[1] || "";
      const match = /^entry-(\d+)$/.exec(key);
      const block = match ? document.getElementById("entry-" + match[1])
        : form.querySelector("[data-signature='" + key.replace("_signature", "") + "']");
      const box = block && block.querySelector("[data-errors]");
      if (box) {
        const line = document.createElement("div");
        line.className = "invalid-feedback d-block";
        line.textContent = item.msg;
        box.append(line);
        if (match) { block.classList.add("border-danger"); }
      } else {
        general.push(item.msg);
      }
    });
    const count = detail.length;
    const heading = document.createElement("div");
    heading.className = "fw-bold";
    heading.textContent = "有 " + count + " 处需要修改：";
    errorBox.append(heading);
    general.forEach((text) => {
      const line = document.createElement("div"); line.textContent = text; errorBox.append(line);
    });
    errorBox.hidden = false;
    state.error = "有 " + count + " 处需要修改";
  }

  // --- saving and completing ------------------------------------------------------------

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();  // this page sends through the API (kept locally first)
    const completing = event.submitter && event.submitter.value === "complete";
    await saveDraft();
    if (!completing) {
      state.notice = "";
      await sync();
      return;
    }
    if (!navigator.onLine) {
      state.notice = "完成检查需要联网：结果已保存在本机，联网后再点“完成检查”";
      showStatus();
      return;
    }
    await sync();
    if (pending() || state.draft.conflict || state.error) {
      state.notice = "还有未上传的内容、冲突或需要修改之处，处理后再完成检查";
      showStatus();
      return;
    }
    await complete();
  });

  async function complete() {
    state.syncing = true; showStatus();
    try {
      const here = position();
      const summary = state.draft.summary !== null ? state.draft.summary : form.elements.summary.value;
      const answer = await call("/complete", { json: {
        expected_version: state.draft.version, summary: summary,
        latitude: here.latitude, longitude: here.longitude,
      } });
      if (answer.ok) {
        await kept.dropDraft();
        for (const photo of state.photos) { await dropPhoto(photo.key); }
        window.location.assign(form.dataset.page);
        return;
      }
      if (answer.status === 422) { showErrors(answer.body); } else { state.error = messages(answer.body).join("；"); }
    } catch (error) {
      state.error = error.network ? "网络中断，未能完成检查，请稍后重试" : error.message;
    } finally {
      state.syncing = false;
      showStatus();
    }
  }

  // --- offline copy and position --------------------------------------------------------

  function keepOffline() {
    const worker = state.registration && state.registration.active;
    if (worker && navigator.onLine) {
      worker.postMessage({ type: "cache", urls: [form.dataset.page], bundles: true });
    }
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "cached" && event.data.kept > 0) {
        state.offlineReady = true;
        form.dataset.offlineReady = "1";
        showStatus();
      }
    });
    navigator.serviceWorker.startMessages();
    navigator.serviceWorker.register(form.dataset.sw, { scope: form.dataset.scope })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => { state.registration = registration; keepOffline(); })
      .catch(() => { state.notice = "本浏览器不能离线保存本页"; showStatus(); });
  }

  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition((found) => {
      state.position = {
        latitude: Number(found.coords.latitude.toFixed(6)),
        longitude: Number(found.coords.longitude.toFixed(6)),
      };
    }, () => { state.position = null; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  window.addEventListener("online", () => { showStatus(); sync(); });
  window.addEventListener("offline", showStatus);
  window.setInterval(() => { if (navigator.onLine && pending() && !state.syncing) { sync(); } }, 30000);

  async function start() {
    let draft = await kept.readDraft();
    const untouched = draft && !Object.keys(draft.local).length && !draft.conflict && !draft.signPending;
    if (!draft) {
      draft = { id: ID, version: bundle.version, base: indexed(bundle.marks), local: {}, conflict: null,
        summary: null, signer: null, signatures: {}, signPending: false };
    } else if (untouched && bundle.version > draft.version) {  // a newer page than the draft
      draft.version = bundle.version;
      draft.base = indexed(bundle.marks);
    }
    state.draft = draft;
    state.photos = await readPhotos();
    await saveDraft();
    render();
    await sync();
  }

  start().catch((error) => {
    state.error = "本机存储不可用（" + error.message + "），请联网后直接保存";
    statusBox.hidden = false;
    statusBox.querySelector("[data-status-text]").textContent = state.error;
  });
})();
