// Writing numbers and tables into the page. Every value from the server goes in as textContent
// (paths, event types and site ids are whatever clients sent), never as markup.

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

/** Fills a table body with [label, count] rows, or one row saying there is nothing. */
export function setRows(tbody: HTMLElement, rows: [string, number][], empty: string): void {
  const out: HTMLTableRowElement[] = rows.map(([label, count]) => {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    name.className = 'label';
    name.textContent = label;
    const num = document.createElement('td');
    num.className = 'num';
    num.textContent = format.format(count);
    tr.append(name, num);
    return tr;
  });
  if (out.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 2;
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
