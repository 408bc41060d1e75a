// A container that scrolls its content (a wide table, a graph) inside the panel instead of letting it run past the
// panel's edge. While the content is wider or taller than the container it is a tab stop (tabindex=0) so keyboard
// users can scroll it with the arrow keys, and its label says it scrolls; `is-scrolled` marks it scrolled from the left
// edge (a pinned first column draws its shadow then). Styles: `.scroll-region` in media/webview.css.
import { el } from './vscodeApi';

export function scrollRegion(label: string, content: Element, className = ''): HTMLDivElement {
  const region = el('div', {
    className: ['scroll-region', className].filter(Boolean).join(' '),
    attrs: { role: 'region', 'aria-label': label },
  });
  region.append(content);
  const update = (): void => {
    const scrolls = region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight;
    if (scrolls) {
      region.tabIndex = 0;
      region.setAttribute('aria-label', `${label}, scrollable`);
    } else {
      region.removeAttribute('tabindex');
      region.setAttribute('aria-label', label);
    }
    region.classList.toggle('is-scrolled', region.scrollLeft > 0);
  };
  const observer = new ResizeObserver(update);
  observer.observe(region);
  observer.observe(content);
  region.addEventListener('scroll', () => region.classList.toggle('is-scrolled', region.scrollLeft > 0), {
    passive: true,
  });
  return region;
}
