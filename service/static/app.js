// 排课服务网页：选择学校 → 开始排课 → 观察进度 → 查看班级/教师/教室课表、检查报告、下载。
"use strict";

const $ = (id) => document.getElementById(id);
const STATUS_NAMES = {
  queued: "排队中", running: "求解中", done: "已完成", infeasible: "无解",
  failed: "失败", cancelled: "已取消", interrupted: "已中断",
};
const ACTIVE = new Set(["queued", "running"]);
const state = { school: null, job: null, timer: null, colours: {} };

function apiKey() { return $("api-key").value.trim(); }

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (apiKey()) headers["X-API-Key"] = apiKey();
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const body = await response.json();
      detail = Array.isArray(body.detail)
        ? body.detail.map((d) => `${d.path || ""}: ${d.msg}`).join("\n")
        : body.detail;
    } catch (_) { /* not JSON */ }
    throw new Error(`${response.status} ${detail}`);
  }
  return response;
}

function showError(error) { $("error").textContent = error ? String(error.message || error) : ""; }

function fmt(value, digits = 1) {
  return value === null || value === undefined ? "—" : Number(value).toFixed(digits);
}

async function loadSchools() {
  const schools = await (await api("/schools")).json();
  const select = $("school");
  select.innerHTML = "";
  for (const school of schools) {
    const option = document.createElement("option");
    option.value = school.id;
    option.textContent = `${school.name}（${school.classes} 个班）`;
    select.appendChild(option);
  }
  if (schools.length) await selectSchool(select.value);
}

async function selectSchool(schoolId) {
  showError("");
  state.school = await (await api(`/schools/${encodeURIComponent(schoolId)}`)).json();
  state.colours = {};
  state.school.subjects.forEach((subject, i) => {
    const hue = Math.round((i * 360) / Math.max(1, state.school.subjects.length));
    state.colours[subject.id] = `hsl(${hue}, 70%, 85%)`;
  });
  fillEntities();
  const jobs = await (await api(`/schools/${encodeURIComponent(schoolId)}/jobs`)).json();
  const latest = jobs.find((job) => ACTIVE.has(job.status)) || jobs.find((job) => job.has_timetable) || jobs[0];
  if (latest) { showJob(latest); if (ACTIVE.has(latest.status)) poll(latest.id); }
  else { resetJob(); }
}

function fillEntities() {
  const kind = $("kind").value;
  const list = { classes: state.school.classes, teachers: state.school.teachers, rooms: state.school.rooms }[kind];
  const select = $("entity");
  select.innerHTML = "";
  for (const item of list) {
    const option = document.createElement("option");
    option.value = item.id;
    option.textContent = item.name;
    select.appendChild(option);
  }
}

function resetJob() {
  state.job = null;
  $("job-id").textContent = "—";
  $("status").textContent = "—";
  $("status").dataset.status = "";
  for (const id of ["elapsed", "objective", "bound", "gap"]) $(id).textContent = "—";
  $("message").textContent = "";
  $("timetable").hidden = true;
  $("report").hidden = true;
  $("explanation").hidden = true;
  $("changes").hidden = true;
  $("tables").hidden = true;
  $("cancel").disabled = true;
  $("replan").disabled = true;
}

function showJob(job) {
  const changed = !state.job || state.job.id !== job.id || state.job.status !== job.status;
  state.job = job;
  $("job-id").textContent = job.id.slice(0, 8);
  $("status").textContent = STATUS_NAMES[job.status] || job.status;
  $("status").dataset.status = job.status;
  $("elapsed").textContent = `${fmt(job.progress.elapsed)} 秒`;
  $("objective").textContent = fmt(job.progress.objective, 0);
  $("bound").textContent = fmt(job.progress.bound, 0);
  $("gap").textContent = job.progress.gap === null || job.progress.gap === undefined
    ? "—" : `${(job.progress.gap * 100).toFixed(1)}%`;
  $("message").textContent = job.message || "";
  $("cancel").disabled = !ACTIVE.has(job.status);
  $("solve").disabled = ACTIVE.has(job.status);
  $("replan").disabled = ACTIVE.has(job.status) || !job.has_timetable;
  const explanation = job.explanation || [];
  $("explanation").hidden = explanation.length === 0;
  $("explanation-list").innerHTML = "";
  for (const finding of explanation) {
    const item = document.createElement("li");
    item.textContent = finding.message || finding.rule || JSON.stringify(finding);
    $("explanation-list").appendChild(item);
  }
  if (changed && job.has_timetable) {
    $("timetable").hidden = false;
    $("tables").hidden = false;
    loadGrid(); loadReport(); loadTable(); loadChanges();
  }
  if (!job.has_timetable) {
    for (const id of ["timetable", "report", "tables", "changes"]) $(id).hidden = true;
  }
}

function poll(jobId) {
  clearTimeout(state.timer);
  const tick = async () => {
    try {
      const job = await (await api(`/jobs/${jobId}`)).json();
      if (state.school && job.school_id !== state.school.id) return;
      showJob(job);
      if (ACTIVE.has(job.status)) state.timer = setTimeout(tick, 500);
    } catch (error) { showError(error); }
  };
  tick();
}

async function startSolve(baseline) {
  showError("");
  try {
    const body = { time_limit: Number($("time-limit").value) || 10 };
    if (baseline) body.baseline_job_id = baseline;
    const response = await api(`/schools/${encodeURIComponent(state.school.id)}/solve`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const job = await response.json();
    resetJob();
    showJob(job);
    poll(job.id);
  } catch (error) { showError(error); }
}

async function cancelJob() {
  if (!state.job) return;
  try { showJob(await (await api(`/jobs/${state.job.id}/cancel`, { method: "POST" })).json()); }
  catch (error) { showError(error); }
}

async function loadGrid() {
  if (!state.job || !state.job.has_timetable || !$("entity").value) return;
  const kind = $("kind").value;
  const entity = encodeURIComponent($("entity").value);
  try {
    const grid = await (await api(`/jobs/${state.job.id}/timetable/${kind}/${entity}`)).json();
    renderGrid(grid);
  } catch (error) { showError(error); }
}

function renderGrid(grid) {
  $("grid-title").textContent = `${grid.name} 课表`;
  const table = document.createElement("table");
  table.className = "timetable";
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement("th")).textContent = "节次";
  for (const day of grid.days) head.appendChild(document.createElement("th")).textContent = day;
  const body = table.createTBody();
  const used = new Set();
  grid.cells.forEach((row, r) => {
    const line = body.insertRow();
    line.appendChild(document.createElement("th")).textContent = grid.periods[r];
    for (const cell of row) {
      const td = line.insertCell();
      td.textContent = cell.text;
      if (!cell.text) td.className = "empty";
      if (cell.subjects.length) {
        td.style.background = state.colours[cell.subjects[0]] || "";
        td.dataset.subject = cell.subjects[0];
        cell.subjects.forEach((s) => used.add(s));
      }
    }
  });
  $("grid").innerHTML = "";
  $("grid").appendChild(table);
  $("legend").innerHTML = "";
  for (const subject of state.school.subjects) {
    if (!used.has(subject.id)) continue;
    const tag = document.createElement("span");
    tag.textContent = subject.name;
    tag.style.background = state.colours[subject.id];
    $("legend").appendChild(tag);
  }
}

function renderRows(target, columns, rows) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const column of columns) head.appendChild(document.createElement("th")).textContent = column;
  const body = table.createTBody();
  for (const row of rows) {
    const line = body.insertRow();
    for (const value of row) line.insertCell().textContent = value === null ? "" : value;
  }
  target.innerHTML = "";
  target.appendChild(table);
}

async function loadTable() {
  if (!state.job || !state.job.has_timetable) return;
  $("table-note").textContent = "";
  try {
    const body = await (await api(`/jobs/${state.job.id}/tables/${$("table-name").value}`)).json();
    renderRows($("extra-table"), body.columns, body.rows);
  } catch (error) {  // e.g. a school without after-school service has no club roster
    $("table-note").textContent = error.message;
    $("extra-table").innerHTML = "";
  }
}

const CHANGE_WORDS = { day: "调到另一天", period: "同日换节次", added: "新增", removed: "取消", teacher: "换教师", room: "换教室" };

function slotText(day, period) {
  if (day === null || day === undefined) return "";
  return `${state.school.days[day - 1] || `第${day}天`} 第${period}节`;
}

async function loadChanges() {
  $("changes").hidden = true;
  if (!state.job || !state.job.baseline_job_id || !state.job.has_timetable) return;
  try {
    const summary = await (await api(`/jobs/${state.job.id}/changes`)).json();
    $("changes").hidden = false;
    $("changes-summary").textContent =
      `移动 ${summary.moved_day + summary.moved_period} 节（跨天 ${summary.moved_day}，同日换节 ${summary.moved_period}），` +
      `换教师 ${summary.teacher_changed}，换教室 ${summary.room_changed}，未动 ${summary.kept}`;
    const rows = summary.changes.map((c) => [c.classes, c.subject, CHANGE_WORDS[c.kind] || c.kind,
      slotText(c.from_day, c.from_period), slotText(c.to_day, c.to_period)]);
    const body = $("changes-table").tBodies[0];
    body.innerHTML = "";
    for (const row of rows) {
      const line = body.insertRow();
      for (const value of row) line.insertCell().textContent = value;
    }
  } catch (error) { showError(error); }
}

async function loadReport() {
  try {
    const report = await (await api(`/jobs/${state.job.id}/report`)).json();
    $("report").hidden = false;
    $("report-summary").textContent = report.summary;
    const body = $("report-table").tBodies[0];
    body.innerHTML = "";
    for (const v of report.violations) {
      const row = body.insertRow();
      row.insertCell().textContent = v.rule;
      row.insertCell().textContent = v.severity === "hard" ? "硬性" : "软性";
      row.insertCell().textContent = v.message;
    }
  } catch (error) { $("report").hidden = true; }
}

async function download(path, filename) {
  try {
    const blob = await (await api(path)).blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) { showError(error); }
}

$("api-key").value = localStorage.getItem("scheduler-api-key") || "";
$("api-key").addEventListener("change", () => localStorage.setItem("scheduler-api-key", apiKey()));
$("school").addEventListener("change", (event) => selectSchool(event.target.value).catch(showError));
$("kind").addEventListener("change", () => { fillEntities(); loadGrid(); });
$("entity").addEventListener("change", loadGrid);
$("solve").addEventListener("click", () => startSolve(null));
$("replan").addEventListener("click", () => { if (state.job) startSolve(state.job.id); });
$("table-name").addEventListener("change", loadTable);
$("download-changes").addEventListener("click", () =>
  download(`/jobs/${state.job.id}/changes.xlsx`, `${state.school.name}调课通知.xlsx`));
$("cancel").addEventListener("click", cancelJob);
$("download-xlsx").addEventListener("click", () =>
  download(`/jobs/${state.job.id}/timetable.xlsx`, `${state.school.name}课表.xlsx`));
$("download-csv").addEventListener("click", () =>
  download(`/jobs/${state.job.id}/timetable-csv.zip`, `${state.school.name}课表-csv.zip`));
loadSchools().catch(showError);
