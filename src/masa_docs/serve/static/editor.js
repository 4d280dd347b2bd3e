// masa-docs serve: the form editor. The form is generated from the content file's JSON Schema
// (GET /api/file): labels from the field names, help from the schema's descriptions, a control
// per type. Every change is validated by the server with the messages of `masa-docs validate`;
// saving sends the whole file's data and the hash the file had when it was opened.
(() => {
  "use strict";

  const root = document.getElementById("editor");
  const rel = root.dataset.path;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const ACRONYMS = { lsp: "LSP", dsp: "DSP", icb: "ICB", lado: "LADO", cdr: "CDR", url: "URL", id: "ID", s16h: "s.16H" };

  const state = {
    file: null, // the /api/file answer
    data: null, // the form's values (a copy of the file's data)
    original: null, // the file's data when opened (to keep empty keys as they were)
    hash: null,
    known: new Set(), // hashes this tab opened or saved: not a change by someone else
    dirty: false,
    saving: false,
    seq: 0,
    timer: null,
    asideLists: new Map(), // lists put aside by ticking "Not known", by path
  };

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function api(url, body) {
    const options =
      body === undefined
        ? { cache: "no-store" }
        : {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
            body: JSON.stringify(body),
          };
    const res = await fetch(url, options);
    let json = {};
    try {
      json = await res.json();
    } catch (err) {
      json = { error: `the server answered ${res.status}` };
    }
    return { status: res.status, body: json };
  }

  function humanize(key) {
    const words = String(key).split("_").map((w) => ACRONYMS[w] || w);
    const text = words.join(" ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function fieldId(path) {
    return "f" + (path ? "-" + path.replace(/\[(\d+)\]/g, "-$1").replace(/\./g, "--").replace(/[^A-Za-z0-9_-]/g, "_") : "");
  }

  function childPath(path, key) {
    return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  // ------------------------------------------------------------------ schema

  function resolve(schema) {
    let s = schema || {};
    for (let n = 0; s.$ref && n < 32; n += 1) {
      const name = s.$ref.split("/").pop();
      const rest = { ...s };
      delete rest.$ref;
      s = { ...((state.file.schema.$defs || {})[name] || {}), ...rest };
    }
    return s;
  }

  function alternatives(s) {
    return s.anyOf || s.oneOf || null;
  }

  function branches(schema) {
    const s = resolve(schema);
    const alts = alternatives(s);
    if (!alts) return [s];
    const outer = { ...s };
    delete outer.anyOf;
    delete outer.oneOf;
    delete outer.default;
    const out = [];
    for (const alt0 of alts) {
      const alt = resolve(alt0);
      if (alt.type === "null") continue;
      const merged = { ...alt, ...outer };
      if (alternatives(alt)) out.push(...branches(merged));
      else out.push(merged);
    }
    return out;
  }

  function nullable(schema) {
    const alts = alternatives(resolve(schema));
    return Boolean(alts && alts.some((a) => resolve(a).type === "null"));
  }

  function describe(schema) {
    // The first alternative, carrying the outer title and description.
    const alts = branches(schema);
    const s = resolve(schema);
    const first = alts[0] || s;
    return { ...first, description: s.description || first.description, title: s.title || first.title };
  }

  // Reference patterns ("a[*].b", "x{*}[*].partner") as regular expressions over field paths.
  function referenceKinds(path) {
    if (!state.refRegexes) {
      state.refRegexes = Object.entries(state.file.references || {}).map(([pat, kinds]) => {
        const source = pat
          .split(/(\[\*\]|\{\*\})/)
          .map((part) => (part === "[*]" ? "\\[\\d+\\]" : part === "{*}" ? "\\.[^.[\\]]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
          .join("");
        return [new RegExp(`^${source}$`), kinds];
      });
    }
    const hit = state.refRegexes.find(([re]) => re.test(path));
    return hit ? hit[1] : null;
  }

  // The "not known" object ({unknown: true | reason}) that a fact such as a timescale or an
  // amount may take instead of its value (model/base.py NotKnown).
  function isNotKnown(alt) {
    const props = alt.type === "object" && alt.properties ? Object.keys(alt.properties) : [];
    return props.length === 1 && props[0] === "unknown" && (alt.required || []).includes("unknown");
  }

  // A scalar (number, money, integer…) that may instead be "not known".
  function knowable(schema) {
    const alts = branches(schema);
    return alts.some(isNotKnown) && alts.some((a) => !isNotKnown(a) && a.type !== "object" && a.type !== "array");
  }

  function isUnknownValue(value) {
    return Boolean(value && typeof value === "object" && !Array.isArray(value) && "unknown" in value);
  }

  function kindOf(schema, path) {
    if (referenceKinds(path)) return "reference";
    const all = branches(schema);
    // A value that may be "not known" is edited as the value (the "not known" choice is a checkbox).
    const alts = all.some((a) => !isNotKnown(a)) ? all.filter((a) => !isNotKnown(a)) : all;
    const types = new Set(alts.map((a) => a.type));
    if (alts.some((a) => "x-money" in a)) return "money";
    if (alts.some((a) => a.enum)) return "enum";
    if (alts.some((a) => a.format === "date")) return "date";
    if (types.has("object")) return "object";
    if (types.has("array")) return "array";
    if (types.has("number")) return "decimal";
    if (types.has("integer")) return "integer";
    if (types.has("boolean")) return "boolean";
    if (alts.some((a) => a.contentMediaType === "text/markdown")) return "markdown";
    if (types.has("string")) return "text";
    return "any";
  }

  function objectSchema(schema) {
    const alts = branches(schema).filter((a) => a.type === "object");
    return alts.find((a) => !isNotKnown(a)) || alts[0] || {};
  }

  function itemSchema(schema) {
    const arr = branches(schema).find((a) => a.type === "array");
    return (arr && arr.items) || {};
  }

  function emptyValue(schema, path) {
    const kind = kindOf(schema, path);
    if (kind === "object") {
      const obj = objectSchema(schema);
      const out = {};
      for (const key of obj.required || []) out[key] = emptyValue((obj.properties || {})[key] || {}, childPath(path, key));
      return out;
    }
    if (kind === "array") return [];
    if (kind === "boolean") return false;
    return "";
  }

  function singular(schema) {
    const items = resolve(itemSchema(schema));
    return items.title && items.type === "object" ? items.title.toLowerCase() : "item";
  }

  function withArticle(word) {
    return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
  }

  function addLabel(noun, labelText) {
    if (noun !== "item") return `Add ${withArticle(noun)}`;
    if (!labelText) return "Add an item";
    const one = singularLabel(labelText);
    return one === labelText ? `Add to ${labelText.toLowerCase()}` : `Add ${withArticle(one.toLowerCase())}`;
  }

  function singularLabel(text) {
    if (/ies$/.test(text)) return text.replace(/ies$/, "y");
    if (/[^s]s$/.test(text)) return text.slice(0, -1);
    return text;
  }

  function itemName(value) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const key of ["name", "title", "id", "year", "delegate", "line"]) {
        if (typeof value[key] === "string" && value[key]) return value[key];
      }
    }
    return "";
  }

  // ------------------------------------------------------------------ building the form

  // A "slot" reads and writes one value in the data tree: {get(), set(v), remove()}.
  function slot(parent, key) {
    return {
      get: () => parent()[key],
      set: (v) => {
        parent()[key] = v;
      },
      remove: () => {
        const p = parent();
        if (Array.isArray(p)) p.splice(key, 1);
        else delete p[key];
      },
      has: () => Object.prototype.hasOwnProperty.call(parent(), key),
    };
  }

  function changed() {
    state.dirty = true;
    setStatus("Unsaved changes.");
    clearTimeout(state.timer);
    state.timer = setTimeout(validate, 400);
  }

  function helpFor(id, schema, extra) {
    const text = [describe(schema).description, extra].filter(Boolean).join(" ");
    return text ? el("p", { class: "field-help", id: `${id}-help` }, text) : null;
  }

  function label(id, text, required) {
    return el("label", { for: id, class: "field-label" }, text, required ? null : el("span", { class: "field-optional" }, " (optional)"));
  }

  function scalarField(schema, path, s, labelText, required) {
    const id = fieldId(path);
    const kind = kindOf(schema, path);
    const canBeNull = nullable(schema);
    const mayBeUnknown = knowable(schema);
    const value = mayBeUnknown && isUnknownValue(s.get()) ? null : s.get();
    const hints = {
      date: "Format: YYYY-MM-DD, for example 2025-04-01.",
      money: "In pounds and pence, without the £ sign or commas, for example 125000.00.",
    };
    // The format of an id says nothing useful beside a list of names to choose from.
    const generic = kind === "reference" && /^A short identifier/.test(describe(schema).description || "");
    const help = generic ? null : helpFor(id, schema, hints[kind]);
    const describedBy = help ? help.id : null;
    const wrapper = el("div", { class: `field field-${kind}`, "data-field": path });
    const write = (raw) => {
      if (raw === "" && !required) {
        // An emptied optional field: keep an empty key if the file had one, else drop it.
        if (s.has() && s.get() === null) return;
        if (canBeNull && originalHas(path)) s.set(null);
        else s.remove();
      } else s.set(raw);
      changed();
    };
    let control;
    if (kind === "boolean" && !canBeNull) {
      control = el("input", { type: "checkbox", id, "data-path": path, "aria-describedby": describedBy, checked: value === true });
      control.addEventListener("change", () => {
        s.set(control.checked);
        changed();
      });
      wrapper.append(el("div", { class: "field-check" }, control, label(id, labelText, true)), help || "");
      return wrapper;
    }
    if (kind === "enum" || kind === "boolean" || kind === "reference") {
      control = el("select", { id, "data-path": path, "aria-describedby": describedBy });
      const options = [];
      if (kind === "boolean") options.push(["true", "Yes"], ["false", "No"]);
      else if (kind === "enum") {
        const alt = branches(schema).find((a) => a.enum);
        for (const v of alt.enum) options.push([String(v), humanize(String(v))]);
      } else {
        for (const k of referenceKinds(path)) {
          for (const c of state.file.choices[k] || []) options.push([c.id, c.label === c.id ? c.id : `${c.label} (${c.id})`]);
        }
      }
      const current = value === null || value === undefined ? "" : String(value);
      if (!required || current === "") control.append(el("option", { value: "" }, required ? "Choose…" : "(not set)"));
      if (current && !options.some(([v]) => v === current)) control.append(el("option", { value: current }, `${current} (unknown)`));
      for (const [v, text] of options) control.append(el("option", { value: v, selected: v === current }, text));
      control.value = current;
      control.addEventListener("change", () => {
        if (kind === "boolean") write(control.value === "" ? "" : control.value === "true");
        else write(control.value);
      });
    } else if (kind === "markdown" || (kind === "text" && typeof value === "string" && (value.length > 90 || value.includes("\n")))) {
      control = el("textarea", { id, "data-path": path, rows: kind === "markdown" ? 6 : 3, "aria-describedby": describedBy });
      control.value = value === null || value === undefined ? "" : String(value);
      control.addEventListener("input", () => {
        write(control.value);
        if (kind === "markdown") markdownPreview(control.value, previewBox);
      });
    } else {
      const inputmode = { money: "decimal", decimal: "decimal", integer: "numeric", date: "numeric" }[kind];
      control = el("input", {
        type: "text",
        id,
        "data-path": path,
        inputmode,
        autocomplete: "off",
        spellcheck: kind === "text" ? null : "false",
        "aria-describedby": describedBy,
        class: kind === "date" || kind === "money" ? "input-short" : null,
      });
      control.value = value === null || value === undefined ? "" : String(value);
      control.addEventListener("input", () => write(control.value));
    }
    if (required) control.setAttribute("aria-required", "true");
    wrapper.append(label(id, labelText, required), help || "");
    if (kind === "money") wrapper.append(el("div", { class: "money" }, el("span", { class: "money-sign", "aria-hidden": "true" }, "£"), control));
    else wrapper.append(control);
    if (mayBeUnknown) wrapper.append(notKnownControls(path, id, s, control, write, labelText));
    let previewBox = null;
    if (kind === "markdown") {
      previewBox = el("div", { class: "md-preview", id: `${id}-preview` });
      wrapper.append(el("div", { class: "md-preview-box" }, el("p", { class: "md-preview-title" }, `Preview of ${labelText.toLowerCase()}, as in the documents`), previewBox));
      markdownPreview(control.value, previewBox);
    }
    return wrapper;
  }

  // The "Not known" checkbox of a fact, with the optional reason shown while it is ticked.
  function notKnownBox(path, id, labelText, current) {
    const unknown = isUnknownValue(current);
    const name = labelText ? labelText.toLowerCase() : "this";
    const box = el("input", { type: "checkbox", id: `${id}-unknown`, "data-unknown-for": path, checked: unknown });
    const reason = el("input", { type: "text", id: `${id}-reason`, "data-path": `${path}.unknown`, autocomplete: "off", "aria-describedby": `${id}-reason-help` });
    reason.value = unknown && typeof current.unknown === "string" ? current.unknown : "";
    const reasonField = el("div", { class: "field-reason", hidden: !unknown },
      el("label", { for: reason.id, class: "field-label" }, "Reason", el("span", { class: "field-optional" }, " (optional)"), el("span", { class: "visually-hidden" }, ` why ${name} is not known`)),
      el("p", { class: "field-help", id: `${id}-reason-help` }, "For example: not published, or not collected."),
      reason,
    );
    const node = el("div", { class: "field-not-known" },
      el("div", { class: "field-check" }, box, el("label", { for: box.id }, "Not known", el("span", { class: "visually-hidden" }, ` (${name})`))),
      reasonField,
    );
    const value = () => ({ unknown: reason.value.trim() ? reason.value.trim() : true });
    return { node, box, reason, reasonField, value };
  }

  // "Not known" beside a value's control: ticked, the value's input is disabled and the value
  // becomes {unknown: "<reason>"} ({unknown: true} without a reason); unticked, the number typed
  // before comes back.
  function notKnownControls(path, id, s, control, write, labelText) {
    const nk = notKnownBox(path, id, labelText, s.get());
    let typed = ""; // the value in the input before "Not known" was ticked
    const setUnknown = () => {
      s.set(nk.value());
      changed();
    };
    control.disabled = nk.box.checked;
    nk.box.addEventListener("change", () => {
      nk.reasonField.hidden = !nk.box.checked;
      if (nk.box.checked) {
        typed = control.value;
        control.value = "";
        control.disabled = true;
        setUnknown();
      } else {
        control.disabled = false;
        control.value = typed;
        write(control.value);
      }
    });
    nk.reason.addEventListener("input", setUnknown);
    return nk.node;
  }

  function originalHas(path) {
    // Was there a key at this path when the file was opened?
    let node = state.original;
    const parts = path.match(/[^.[\]]+|\[\d+\]/g) || [];
    for (const part of parts) {
      if (node === null || typeof node !== "object") return false;
      const key = part.startsWith("[") ? Number(part.slice(1, -1)) : part;
      if (!Object.prototype.hasOwnProperty.call(node, key)) return false;
      node = node[key];
    }
    return true;
  }

  const mdTimers = new WeakMap();
  function markdownPreview(text, box) {
    clearTimeout(mdTimers.get(box));
    mdTimers.set(
      box,
      setTimeout(async () => {
        const { status, body } = await api("/api/markdown", { text });
        // The server renders with the documents' safe Markdown (raw HTML off, safe links).
        if (status === 200) box.innerHTML = body.html;
      }, 300),
    );
  }

  function field(schema, path, s, labelText, required) {
    const kind = kindOf(schema, path);
    if (kind === "object") return objectField(schema, path, s, labelText, required);
    if (kind === "array") return arrayField(schema, path, s, labelText, required);
    if (kind === "any") {
      return el("div", { class: "field", "data-field": path }, el("p", { class: "field-label" }, labelText), el("pre", {}, JSON.stringify(s.get(), null, 2)));
    }
    return scalarField(schema, path, s, labelText, required);
  }

  function objectField(schema, path, s, labelText, required) {
    const id = fieldId(path);
    const obj = objectSchema(schema);
    const fs = el("fieldset", { class: "group", id, "data-path": path, "data-field": path, tabindex: "-1" });
    if (labelText) fs.append(el("legend", {}, labelText, required ? null : el("span", { class: "field-optional" }, " (optional)")));
    const help = path ? helpFor(id, schema) : null; // the file's own description says nothing new
    if (help) {
      fs.append(help);
      fs.setAttribute("aria-describedby", help.id);
    }
    const value = s.get();
    if (value === undefined || value === null) {
      fs.append(
        el("button", {
          type: "button",
          class: "button-secondary",
          onclick: () => {
            s.set(emptyValue(schema, path));
            fs.replaceWith(objectField(schema, path, s, labelText, required));
            changed();
          },
        }, `Add ${labelText ? labelText.toLowerCase() : "details"}`),
      );
      return fs;
    }
    const props = obj.properties || {};
    const req = new Set(obj.required || []);
    const here = () => s.get();
    for (const [key, sub] of Object.entries(props)) {
      fs.append(field(sub, childPath(path, key), slot(here, key), humanize(key), req.has(key)));
    }
    const valueSchema = obj.patternProperties ? Object.values(obj.patternProperties)[0] : obj.additionalProperties;
    if (valueSchema && typeof valueSchema === "object" && Object.keys(props).length === 0) {
      fs.append(...dictEntries(valueSchema, path, s));
    } else {
      for (const key of Object.keys(value)) {
        if (!(key in props)) {
          fs.append(el("p", { class: "field-unknown", "data-field": childPath(path, key) }, `The file has a key “${key}” that this form does not know. It is kept as it is; correct it in the file.`));
        }
      }
    }
    return fs;
  }

  function dictEntries(valueSchema, path, s) {
    const out = [];
    const here = () => s.get();
    for (const key of Object.keys(s.get())) {
      out.push(field(valueSchema, childPath(path, key), slot(here, key), key, true));
    }
    const id = fieldId(path) + "-newkey";
    const input = el("input", { type: "text", id, class: "input-short" });
    out.push(
      el("div", { class: "field" },
        el("label", { for: id, class: "field-label" }, "New entry name"),
        input,
        el("button", {
          type: "button",
          class: "button-secondary",
          onclick: () => {
            const key = input.value.trim();
            if (!key || Object.prototype.hasOwnProperty.call(s.get(), key)) return;
            s.get()[key] = emptyValue(valueSchema, childPath(path, key));
            rerender(path);
            changed();
          },
        }, "Add entry"),
      ),
    );
    return out;
  }

  function arrayField(schema, path, s, labelText, required) {
    const id = fieldId(path);
    const fs = el("fieldset", { class: "group list", id, "data-path": path, "data-field": path, tabindex: "-1" });
    if (labelText) fs.append(el("legend", {}, labelText, required ? null : el("span", { class: "field-optional" }, " (optional)")));
    const help = path ? helpFor(id, schema) : null; // the file's own description says nothing new
    if (help) {
      fs.append(help);
      fs.setAttribute("aria-describedby", help.id);
    }
    if (branches(schema).some(isNotKnown)) {
      // A list that may be "not known" (how many reviews, which courses): ticked, the list is
      // put aside (and comes back when unticked) and the value is {unknown: reason | true}.
      const nk = notKnownBox(path, id, labelText, s.get());
      fs.append(nk.node);
      nk.box.addEventListener("change", () => {
        if (nk.box.checked) {
          if (Array.isArray(s.get())) state.asideLists.set(path, s.get());
          s.set(nk.value());
        } else s.set(state.asideLists.get(path) || []);
        const fresh = rerender(path, fs, schema, s, labelText, required);
        changed();
        const again = fresh.querySelector(`[data-unknown-for="${CSS.escape(path)}"]`);
        if (again) again.focus();
      });
      nk.reason.addEventListener("input", () => {
        s.set(nk.value());
        changed();
      });
      if (isUnknownValue(s.get())) return fs;
    }
    if (!Array.isArray(s.get())) {
      if (s.get() === undefined || s.get() === null) {
        fs.append(el("button", { type: "button", class: "button-secondary", onclick: () => { s.set([]); rerender(path, fs, schema, s, labelText, required); changed(); } }, `Add ${labelText ? labelText.toLowerCase() : "a list"}`));
        return fs;
      }
      fs.append(el("p", { class: "field-unknown" }, "This should be a list. Correct it in the file."));
      return fs;
    }
    const items = itemSchema(schema);
    const noun = singular(schema);
    const list = () => s.get();
    const ol = el("ol", { class: "items" });
    list().forEach((value, i) => {
      const itemPath = childPath(path, i);
      const name = itemName(value);
      const itemLabel = `${noun.charAt(0).toUpperCase() + noun.slice(1)} ${i + 1}${name ? ": " + name : ""}`;
      const isObject = kindOf(items, itemPath) === "object";
      const control = field(items, itemPath, slot(list, i), isObject ? itemLabel : `${singularLabel(labelText || noun)} ${i + 1}`, true);
      const move = (delta) => {
        const arr = list();
        const j = i + delta;
        [arr[i], arr[j]] = [arr[j], arr[i]];
        const fresh = rerender(path, fs, schema, s, labelText, required);
        changed();
        const again = fresh.querySelector(`[data-action="${delta < 0 ? "up" : "down"}"][data-index="${j}"]`) || fresh.querySelector(`[data-index="${j}"]`);
        if (again) again.focus();
      };
      const what = isObject ? itemLabel : `${singularLabel(labelText || noun)} ${i + 1}`;
      const tools = el("div", { class: "item-tools" },
        el("button", { type: "button", class: "button-small", "data-action": "up", "data-index": i, disabled: i === 0, onclick: () => move(-1) }, "Move up", el("span", { class: "visually-hidden" }, `: ${what}`)),
        el("button", { type: "button", class: "button-small", "data-action": "down", "data-index": i, disabled: i === list().length - 1, onclick: () => move(1) }, "Move down", el("span", { class: "visually-hidden" }, `: ${what}`)),
        el("button", {
          type: "button",
          class: "button-small button-warning",
          "data-action": "remove",
          "data-index": i,
          onclick: () => {
            list().splice(i, 1);
            const fresh = rerender(path, fs, schema, s, labelText, required);
            changed();
            const add = fresh.querySelector('[data-action="add"]');
            if (add) add.focus();
          },
        }, "Remove", el("span", { class: "visually-hidden" }, `: ${what}`)),
      );
      ol.append(el("li", { class: "item" }, control, tools));
    });
    fs.append(ol);
    fs.append(
      el("button", {
        type: "button",
        class: "button-secondary",
        "data-action": "add",
        onclick: () => {
          list().push(emptyValue(items, childPath(path, list().length)));
          const n = list().length - 1;
          const fresh = rerender(path, fs, schema, s, labelText, required);
          changed();
          // Focus the new item's first control (or the item itself when it has none yet).
          const item = fresh.querySelector(`[data-field="${CSS.escape(childPath(path, n))}"]`);
          const first = item && (item.matches("input, select, textarea") ? item : item.querySelector("input, select, textarea, button"));
          if (first) first.focus();
          else if (item) item.focus();
        },
      }, addLabel(noun, labelText)),
    );
    return fs;
  }

  function rerender(path, old, schema, s, labelText, required) {
    if (!old) {
      renderForm();
      return root;
    }
    const fresh = field(schema, path, s, labelText, required);
    old.replaceWith(fresh);
    showProblems(lastProblems);
    return fresh;
  }

  // ------------------------------------------------------------------ problems

  let lastProblems = [];

  function findTarget(path) {
    let p = path;
    for (;;) {
      const hit = root.querySelector(`[data-path="${CSS.escape(p)}"]`);
      if (hit) return hit;
      if (!p) return null;
      const shorter = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
      p = shorter === p ? "" : shorter;
    }
  }

  function showProblems(problems) {
    lastProblems = problems;
    for (const node of root.querySelectorAll(".field-error")) node.remove();
    for (const node of root.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
      const ids = (node.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && !x.startsWith("err-"));
      if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
      else node.removeAttribute("aria-describedby");
    }
    const summary = document.getElementById("problem-summary");
    summary.replaceChildren();
    const mine = problems.filter((p) => p.rel === rel);
    const others = problems.filter((p) => p.rel !== rel);
    const errors = mine.filter((p) => p.severity === "error").length;
    if (!mine.length && !others.length) {
      summary.hidden = true;
      return;
    }
    summary.hidden = false;
    summary.classList.toggle("has-errors", errors > 0);
    const heading = el("h2", { id: "problem-summary-title", tabindex: "-1" });
    summary.append(heading);
    if (mine.length) {
      heading.textContent = `${errors} problem${errors === 1 ? "" : "s"} in this file`;
      const ul = el("ul", {});
      mine.forEach((p, n) => {
        const target = findTarget(p.field || "");
        const errId = `err-${n}`;
        const text = `${p.field ? p.field + ": " : ""}${p.message}${p.hint ? " — " + p.hint : ""}`;
        const where = p.line ? `${p.rel}:${p.line}:${p.column || 1}` : p.rel;
        const li = el("li", {}, el("span", { class: "serve-where" }, where), " ");
        if (target) {
          const control = target.matches("input, select, textarea, fieldset") ? target : target.querySelector("input, select, textarea");
          const anchor = control && control.id ? control.id : target.id;
          li.append(el("a", { href: `#${anchor}`, onclick: (ev) => { ev.preventDefault(); (control || target).focus(); } }, text));
          const msg = el("p", { class: "field-error", id: errId }, el("span", { class: "visually-hidden" }, "Error: "), p.message, p.hint ? el("span", { class: "field-error-hint" }, `Hint: ${p.hint}`) : null);
          if (control && control.tagName === "FIELDSET") {
            const legend = control.querySelector("legend");
            if (legend) legend.after(msg);
            else control.prepend(msg);
          } else if (control) {
            const wrapper = control.closest(".field") || control.parentElement;
            wrapper.append(msg);
          }
          if (control) {
            control.setAttribute("aria-invalid", "true");
            const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
            ids.push(errId);
            control.setAttribute("aria-describedby", ids.join(" "));
          }
        } else li.append(text);
        ul.append(li);
      });
      summary.append(ul);
    } else heading.textContent = "No problems in this file";
    if (others.length) {
      summary.append(el("p", {}, `Other files have ${others.length} problem${others.length === 1 ? "" : "s"}:`));
      const ul = el("ul", {});
      for (const p of others) {
        const href = p.rel ? `/edit/${encodeURI(p.rel)}${p.field ? "?field=" + encodeURIComponent(p.field) : ""}` : null;
        const text = `${p.location}: ${p.field ? p.field + ": " : ""}${p.message}`;
        ul.append(el("li", {}, href ? el("a", { href }, text) : text));
      }
      summary.append(ul);
    }
  }

  async function validate() {
    const seq = ++state.seq;
    const { status, body } = await api("/api/validate", payload());
    if (seq !== state.seq) return; // a newer change is being checked
    if (status === 200) showProblems(body.problems);
    else setStatus(body.error || `Could not check the form (${status}).`);
  }

  // ------------------------------------------------------------------ saving

  function payload(extra) {
    const body = { path: rel, hash: state.hash, ...(extra || {}) };
    if (state.data === null) body.text = document.getElementById("raw-text").value;
    else body.data = state.data;
    return body;
  }

  function setStatus(text) {
    document.getElementById("save-status").textContent = text;
  }

  async function save(force) {
    if (state.saving) return;
    state.saving = true;
    clearTimeout(state.timer);
    hideConflict();
    setStatus("Saving…");
    try {
      const { status, body } = await api("/api/save", payload({ force: Boolean(force) }));
      if (status === 200) {
        state.hash = body.hash;
        state.known.add(body.hash);
        state.dirty = false;
        state.original = clone(state.data);
        setStatus(body.saved ? `${body.message} The preview is updated.` : "No changes to save.");
        showProblems(body.problems || []);
      } else if (status === 409) {
        showConflict(body.message);
      } else if (status === 422 && body.problems) {
        showProblems(body.problems);
        setStatus(body.message);
        const title = document.getElementById("problem-summary-title");
        if (title) title.focus();
      } else {
        setStatus(`Not saved: ${body.error || "the server refused (" + status + ")"}.`);
      }
    } catch (err) {
      setStatus("Not saved: the server cannot be reached. Is masa-docs serve still running?");
    } finally {
      state.saving = false;
    }
  }

  function showConflict(message) {
    const box = document.getElementById("conflict");
    document.getElementById("conflict-message").textContent = `${message} What do you want to do?`;
    box.hidden = false;
    setStatus("Not saved: the file changed on disk.");
    document.getElementById("conflict-title").focus();
  }

  function hideConflict() {
    document.getElementById("conflict").hidden = true;
  }

  // ------------------------------------------------------------------ the page

  function renderForm() {
    const form = document.getElementById("form-fields");
    form.replaceChildren();
    if (state.data === null) {
      const id = "raw-text";
      const isMd = state.file.kind === "markdown";
      const help = isMd
        ? "Narrative in Markdown: # for headings, * for lists, [text](https://…) for links. HTML is shown as text."
        : "This file is not valid YAML, so the form cannot show it. Correct the text; the problem is listed above.";
      const area = el("textarea", { id, rows: 20, "data-path": "", class: "input-raw", "aria-describedby": "raw-help" });
      area.value = state.file.text;
      const previewBox = el("div", { class: "md-preview" });
      area.addEventListener("input", () => {
        changed();
        if (isMd) markdownPreview(area.value, previewBox);
      });
      form.append(
        el("div", { class: "field" }, el("label", { for: id, class: "field-label" }, isMd ? "Text" : "The file as text"), el("p", { id: "raw-help", class: "field-help" }, help), area),
      );
      if (isMd) {
        form.append(el("div", { class: "md-preview-box" }, el("p", { class: "md-preview-title" }, "Preview, as in the documents"), previewBox));
        markdownPreview(area.value, previewBox);
      }
      return;
    }
    const top = { get: () => state.data, set: (v) => { state.data = v; }, remove: () => {}, has: () => true };
    const schema = state.file.schema;
    const whole = field(schema, "", top, "", true);
    whole.classList.add("top"); // the file itself: no frame and no legend
    form.append(whole);
  }

  async function load() {
    const { status, body } = await api(`/api/file?path=${encodeURIComponent(rel)}`);
    if (status !== 200) {
      root.replaceChildren(el("p", { class: "serve-error" }, body.error || `This file cannot be opened (${status}).`));
      return;
    }
    state.file = body;
    state.hash = body.hash;
    state.known.add(body.hash);
    state.data = body.data === undefined ? null : clone(body.data);
    state.original = clone(body.data);
    state.dirty = false;
    root.replaceChildren(
      el("p", { class: "field-help" }, body.kind === "markdown"
        ? "The text is checked as you type, with the messages of masa-docs validate, and the preview shows it as the documents will."
        : "Fields are checked as you type, with the messages of masa-docs validate. Saving writes only the values you changed, and keeps the file's comments; a file with problems is not saved."),
      el("div", { id: "conflict", class: "serve-conflict", role: "alertdialog", "aria-labelledby": "conflict-title", "aria-describedby": "conflict-message", hidden: true },
        el("h2", { id: "conflict-title", tabindex: "-1" }, "This file was changed on disk"),
        el("p", { id: "conflict-message" }),
        el("button", { type: "button", class: "button-warning", onclick: () => save(true) }, "Save my version over it"),
        " ",
        el("button", { type: "button", class: "button-secondary", onclick: () => { hideConflict(); load(); } }, "Discard my changes and open the file as it is now"),
      ),
      el("div", { id: "problem-summary", class: "serve-summary", role: "region", "aria-labelledby": "problem-summary-title", hidden: true }),
      el("form", { id: "form", novalidate: true, onsubmit: (ev) => { ev.preventDefault(); save(false); } },
        el("div", { id: "form-fields" }),
        el("div", { class: "form-actions" },
          el("button", { type: "submit", class: "button-primary" }, "Save"),
          el("p", { id: "save-status", role: "status", "aria-live": "polite" }),
        ),
      ),
    );
    renderForm();
    showProblems(body.problems || []);
    const wanted = new URLSearchParams(window.location.search).get("field");
    if (wanted !== null) {
      const target = findTarget(wanted);
      const control = target && (target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea"));
      if (control) {
        control.focus();
        control.scrollIntoView({ block: "center" });
      }
    }
  }

  document.addEventListener("masa:state", (ev) => {
    const onDisk = (ev.detail.hashes || {})[rel];
    if (state.file && onDisk && !state.known.has(onDisk) && !state.saving) {
      const box = document.getElementById("conflict");
      if (box && box.hidden) {
        const message = `${rel} was changed on disk since you opened it (in another tab or another program).`;
        document.getElementById("conflict-message").textContent = `${message} What do you want to do?`;
        box.hidden = false;
      }
    }
  });

  window.addEventListener("beforeunload", (ev) => {
    if (state.dirty) ev.preventDefault();
  });

  load();
})();
