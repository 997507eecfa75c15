// Writing numbers and tables into the page. Every value from the server goes in as textContent
// (paths, event types, sources, campaigns and site ids are whatever clients sent), never as markup.

const format = new Intl.NumberFormat('en');

/** Sets a headline number: exact in data-value, formatted in the text; flashes when it changed. */
export function setMetric(el: HTMLElement, value: number): void {
  const changed = el.dataset.value !== String(value) && el.textContent !== '–';
  el.dataset.value = String(value);
  el.textContent = format.format(value);
  if (changed) {
    el.classList.remove('changed');
    void el.offsetWidth; // restarts the animation
    el.classList.add('changed');
  }
}

export interface Row {
  label: string;
  count: number;
  /** unique users (the Visitors column), when asked for */
  users?: number;
  /** what a click on the row does (adds it as a filter); absent: the row is plain text */
  pick?: () => void;
  /** the button's accessible name, e.g. "Filter by Country: Germany (DE)" */
  pickName?: string;
}

/**
 * Fills a table body with rows (label, count, unique users when given, and a bar whose length is the count's share of the
 * largest), or one row saying there is nothing. A row with `pick` is a button.
 */
export function setRows(tbody: HTMLElement, rows: Row[], empty: string): void {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const out: HTMLTableRowElement[] = rows.map((row) => {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    name.className = 'label';
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.setAttribute('aria-hidden', 'true');
    // (a CSSOM write, which the page's CSP allows, unlike a style attribute in markup)
    bar.style.width = `${(100 * row.count) / max}%`;
    if (row.pick) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'pick';
      button.textContent = row.label;
      if (row.pickName) button.title = row.pickName;
      button.addEventListener('click', row.pick);
      name.append(bar, button);
    } else {
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = row.label;
      name.append(bar, text);
    }
    const num = document.createElement('td');
    num.className = 'num';
    num.textContent = format.format(row.count);
    tr.append(name, num);
    if (row.users !== undefined) {
      const users = document.createElement('td');
      users.className = 'num visitors-col';
      users.textContent = format.format(row.users);
      tr.append(users);
    }
    return tr;
  });
  if (out.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 3;
    td.className = 'empty';
    td.textContent = empty;
    tr.append(td);
    out.push(tr);
  }
  tbody.replaceChildren(...out);
}

/** Shows or hides a text message (hidden when empty). */
export function setMessage(el: HTMLElement, text: string): void {
  el.textContent = text;
  el.hidden = text === '';
}
