import { escapeHtml, html } from './html';

describe('html templates', () => {
  it('escape every interpolated string, in content and in attributes', () => {
    const name = `<script>alert("x")</script>' onmouseover='x`;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x</p>',
    );
  });

  it('nest templates unescaped, join arrays and drop null, undefined and false', () => {
    const items = ['a&b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}</ul>`.text).toBe('<ul><li>a&amp;b</li><li>c</li></ul>');
  });

  it('escape ampersands before the entities they could forge', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});
