"""The public announcement (公示) as one self-contained HTML page per language (R-1, E-6).

The page needs no JavaScript, loads nothing from anywhere (its styles are inline, its
charts inline SVG with text as outlines), prints on A4, and marks up its tables with
captions and header cells. Every name and id is escaped and isolated (``<bdi>``), so a
unit called ``<script>`` or one whose name carries right-to-left marks shows as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from html import escape

from community_governance.explain import Explanation, render_value
from community_governance.notice.content import Notice
from community_governance.numbers import RoundingMode, round_exact
from community_governance.vocabulary import Component, Dimension, Lang

__all__ = ["STYLE", "render_page"]

#: The page's styles: readable on a phone, contrast at least 4.5:1, A4 when printed.
STYLE = """
:root { color: #1b1b1b; background: #ffffff; }
body { font-family: system-ui, "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
  "CG Noto Sans SC", sans-serif;
  line-height: 1.6; margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #1f5fa8; padding-bottom: 0.2rem;
  margin-top: 2rem; }
a { color: #0b4f9c; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid #8a8a8a; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: #e8eef7; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.rectify { background: #fdecea; }
tr.rectify td:first-child::before { content: "▶ "; color: #b3261e; }
.mark-rectify { color: #b3261e; font-weight: 700; }
.mark-award { color: #1e6b24; font-weight: 700; }
.window { border: 2px solid #b3261e; padding: 0.75rem 1rem; background: #fff8f7; }
.meta { color: #444444; }
code, .digest { font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  overflow-wrap: anywhere; }
svg.chart { max-width: 100%; height: auto; display: block; }
details { border: 1px solid #8a8a8a; margin: 0.5rem 0; padding: 0.25rem 0.75rem; }
summary { cursor: pointer; font-weight: 600; }
nav.languages { float: right; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.languages { display: none; }
  h2 { break-after: avoid; }
  table, figure, .window { break-inside: avoid; }
  a { color: #1b1b1b; text-decoration: none; }
}
"""


def _t(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _name(text: str) -> str:
    """A name or id as page text: escaped, and isolated from the text around it."""
    return f"<bdi>{escape(text)}</bdi>"


def _table(caption: str, head: Iterable[str], rows: Iterable[str], *, numeric: str = "") -> str:
    header = "".join(f'<th scope="col">{h}</th>' for h in head)
    return (
        f"<table{numeric}><caption>{caption}</caption><thead><tr>{header}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _component(given: object, places: int, mode: RoundingMode) -> str:
    """A component for reading, exact in the cell's title.

    Shown exactly when it has at most ``places`` decimals, otherwise rounded for display
    only, as the policy rounds, and marked "≈": the final score is computed from exact
    values and rounded once (E-5).
    """
    if given is None:
        return "—"
    value = Fraction(str(given))
    exact = escape(render_value(given))
    marker = "" if (value * 10**places).denominator == 1 else "≈"
    return f'<span title="{exact}">{marker}{round_exact(value, places, mode)}</span>'


def _results(notice: Notice, lang: Lang) -> str:
    failing = {o.unit_id for o in notice.orders}
    awarded = {a.unit_id for a in notice.result.awards}
    places, mode = notice.policy.rounding_places, notice.policy.rounding_mode
    rows = []
    for card in notice.result.scorecards:
        components = card.final.components
        marker = ""
        if card.unit_id in failing:
            marker = f' <span class="mark-rectify">{_t(lang, "（需整改）", "(to rectify)")}</span>'
        elif card.unit_id in awarded:
            marker = (
                f' <span class="mark-award">{_t(lang, "（授予荣誉证书）", "(honoured)")}</span>'
            )
        rows.append(
            f"<tr{' class=rectify' if card.unit_id in failing else ''}>"
            f'<td class="number">{card.rank}</td>'
            f'<th scope="row">{_name(notice.name(card.unit_id))}</th>'
            f'<td class="number" data-field="final">{escape(str(card.final.reported))}</td>'
            f'<td class="number">{_component(components.get(Component.SELF), places, mode)}</td>'
            f'<td class="number">{_component(components.get(Component.PEER), places, mode)}</td>'
            f'<td class="number">{_component(components.get(Component.PUBLIC), places, mode)}</td>'
            f"<td>{escape(card.grade.label(lang))}{marker}</td></tr>"
        )
    weights = notice.policy.component_weights
    head = [
        _t(lang, "名次", "Rank"),
        _t(lang, "成员单位", "Member unit"),
        _t(lang, "最终成绩", "Final score"),
        *(
            _t(lang, f"{zh}（{_percent(weights[c])}）", f"{en} ({_percent(weights[c])})")
            for c, zh, en in (
                (Component.SELF, "自评", "Own rating"),
                (Component.PEER, "他评", "Other units"),
                (Component.PUBLIC, "民意测评", "Household survey"),
            )
        ),
        _t(lang, "等次", "Grade"),
    ]
    caption = _t(
        lang,
        f"{escape(str(notice.result.quarter))} 季度各成员单位考评结果（按名次）",
        f"Results of every member unit for {escape(str(notice.result.quarter))}, in rank order",
    )
    note = _t(
        lang,
        f"三项得分显示到 {places} 位小数，“≈”表示仅为显示而舍入；"
        "最终成绩由精确值计算，只在最后舍入一次。",
        f"The three parts are shown to {places} decimals, “≈” marking a value rounded for display "
        "only; the final score is computed from the exact values and rounded once, at the end.",
    )
    return _table(caption, head, rows, numeric=' id="results"') + f'<p class="meta">{note}</p>'


def _percent(share: Fraction) -> str:
    return f"{render_value(share * 100)}%"


def _awards(notice: Notice, lang: Lang) -> str:
    awards = notice.result.awards
    if not awards:
        return (
            f"<p>{_t(lang, '本季度无单位获评优秀。', 'No unit earned an honour this quarter.')}</p>"
        )
    items = "".join(
        f"<li>{_name(notice.name(a.unit_id))}：{escape(a.grade.label(lang))}，"
        f"{escape(str(a.score))}</li>"
        if lang == "zh"
        else f"<li>{_name(notice.name(a.unit_id))}: {escape(a.grade.label(lang))}, "
        f"{escape(str(a.score))}</li>"
        for a in awards
    )
    return f"<ul>{items}</ul>"


def _orders(notice: Notice, lang: Lang) -> str:
    if not notice.orders:
        none = _t(lang, "本季度无整改通知。", "No unit is ordered to rectify this quarter.")
        return f"<p>{none}</p>"
    rows = []
    for order in notice.orders:
        weakest = _t(lang, "、", ", ").join(
            escape(Dimension.from_label(code).label(lang)) for code in order.weakest
        )
        supervisors = _t(lang, "、", ", ").join(escape(s.label(lang)) for s in order.supervisors)
        rows.append(
            f'<tr class="rectify"><th scope="row">{_name(notice.name(order.unit_id))}</th>'
            f"<td>{escape(order.grade.label(lang))}</td>"
            f'<td class="number">{escape(order.score)}</td><td>{weakest or "—"}</td>'
            f"<td>{order.issued_on.isoformat()}</td>"
            f"<td><strong>{order.deadline.isoformat()}</strong>"
            f" <span class=meta>({escape(order.day_count.label(lang))})</span></td>"
            f"<td>{supervisors}</td></tr>"
        )
    head = [
        _t(lang, "成员单位", "Member unit"),
        _t(lang, "等次", "Grade"),
        _t(lang, "最终成绩", "Final score"),
        _t(lang, "最弱维度", "Weakest dimensions"),
        _t(lang, "下达日期", "Issued on"),
        _t(lang, "整改期限", "Deadline"),
        _t(lang, "三级督导", "Supervised by"),
    ]
    caption = _t(
        lang,
        "限期整改通知（公示期满、无成立异议后下达）",
        "Rectification orders (issued when the announcement ends with no objection upheld)",
    )
    return _table(caption, head, rows, numeric=' id="orders"')


def _window(notice: Notice, lang: Lang) -> str:
    start, end = notice.announced_on.isoformat(), notice.window_ends.isoformat()
    effective = notice.effective_on.isoformat()
    if lang == "zh":
        return (
            '<div class="window" id="window">'
            f"<p><strong>公示期：{start} 至 {end}。</strong></p>"
            "<p>如对结果有异议，成员单位代表或居民代表可在公示期内向社区党组织或居委会提交书面异议，"
            "写明所涉单位和理由。</p>"
            "<p>每一条异议都会得到处理并说明理由。异议成立的，更正后的结果重新公示，公示期重新计算；"
            f"异议不成立的，书面告知理由。公示期满且无待处理异议的，结果自 {effective} 起生效，"
            "并同时下达整改通知。</p></div>"
        )
    return (
        '<div class="window" id="window">'
        f"<p><strong>Objections: from {start} to {end}.</strong></p>"
        "<p>A member unit's representative or a resident representative who disagrees with a "
        "result may object in writing within this period, to the community party organisation "
        "or the residents' committee, naming the unit concerned and the grounds.</p>"
        "<p>Every objection is answered with reasons. If it is upheld, the corrected results are "
        "announced again and the period starts again; if it is dismissed, the reasons are given "
        f"in writing. When the period ends with no objection pending, the results take effect "
        f"on {effective} and the rectification orders are issued.</p></div>"
    )


def _sample(notice: Notice, lang: Lang) -> str:
    certificate = notice.certificate
    if certificate is None:
        return (
            "<p>"
            + _t(
                lang,
                "本公示未附住户抽样证书，可向社区居委会查阅。",
                "The household sample's certificate is not attached to this announcement; "
                "the residents' committee holds it.",
            )
            + "</p>"
        )
    rows = [
        (_t(lang, "抽样算法", "Algorithm"), f"{certificate.algorithm} v{certificate.version}"),
        (_t(lang, "公开种子", "Public seed"), str(certificate.seed)),
        (_t(lang, "种子来源", "How the seed was made"), certificate.seed_source),
        (_t(lang, "住户名册摘要（SHA-256）", "Frame digest (SHA-256)"), certificate.frame_digest),
        (_t(lang, "名册户数", "Households in the frame"), str(certificate.frame_size)),
        (_t(lang, "抽取户数", "Households sampled"), str(certificate.size)),
        (_t(lang, "替换户数", "Households replaced"), str(len(certificate.replacements))),
    ]
    body = "".join(
        f'<tr><th scope="row">{label}</th><td class="digest">{escape(value)}</td></tr>'
        for label, value in rows
    )
    caption = _t(lang, "住户抽样证书", "The sample certificate")
    parts = [f'<table id="sample"><caption>{caption}</caption><tbody>{body}</tbody></table>']
    if notice.response is not None:
        label = _t(lang, "回收情况", "Response")
        said = escape(notice.response.said(lang))
        parts.append(f'<p id="response"><strong>{label}</strong>{_t(lang, "：", ": ")}{said}</p>')
    if notice.disclosure.code == "ids":
        ids = " ".join(f"<code>{escape(h)}</code>" for h in certificate.sample)
        parts.append(
            f"<details><summary>"
            f"{_t(lang, '抽中住户编号（按抽签顺序）', 'Sampled households, in draw order')}"
            f"</summary><p>{ids}</p></details>"
        )
        if certificate.replacements:
            pairs = "".join(
                f"<li><code>{escape(a)}</code> → <code>{escape(b)}</code></li>"
                for a, b in certificate.replacements
            )
            parts.append(
                f"<details><summary>{_t(lang, '替换记录', 'Replacements')}</summary>"
                f"<ul>{pairs}</ul></details>"
            )
        file_note = _t(
            lang,
            '抽样证书与本页一同发布：<a href="{href}">certificate.json</a>。',
            'The certificate is published with this page: <a href="{href}">certificate.json</a>.',
        ).format(href="certificate.json" if lang == "zh" else "../certificate.json")
    else:
        file_note = _t(
            lang,
            "按本地政策，本页只公布抽中户数；抽样证书可向社区居委会查阅。",
            "Under the local policy this page shows only how many households were sampled; "
            "the residents' committee holds the certificate.",
        )
    command = "community-governance sample verify certificate.json frame.json"
    if lang == "zh":
        recipe = (
            f"<p>{file_note}</p><ol>"
            "<li>向社区居委会查阅住户名册（frame.json），核对其 SHA-256 摘要与上表一致。</li>"
            "<li>安装本程序后运行：<br><code>" + escape(command) + "</code></li>"
            "<li>显示 <code>ok</code> 即表示：用公开种子和公开算法，从该名册抽出的正是公示的住户。"
            "任何人用 Rivest 的 consistent_sampler 也能独立复算。</li></ol>"
        )
    else:
        recipe = (
            f"<p>{file_note}</p><ol>"
            "<li>Ask the residents' committee for the frame (frame.json) and check that its "
            "SHA-256 digest is the one above.</li>"
            "<li>With this program installed, run:<br><code>" + escape(command) + "</code></li>"
            "<li><code>ok</code> means the announced households are exactly those the public "
            "seed and the public algorithm draw from that frame. Anyone can redo the draw "
            "with Rivest's consistent_sampler as well.</li></ol>"
        )
    parts.append(f"<h3>{_t(lang, '如何自行核对', 'How to check it yourself')}</h3>{recipe}")
    parts.append(_commitment(notice, lang))
    return "".join(parts)


def _commitment(notice: Notice, lang: Lang) -> str:
    """The frame's commitment and how a household checks its receipt, or that there was none."""
    commitment = notice.commitment
    heading = f"<h3>{_t(lang, '住户名册的事先承诺', 'The frame, fixed before the seed')}</h3>"
    if commitment is None:
        return heading + (
            '<p class="no-commitment">'
            + _t(
                lang,
                "本次抽样没有事先承诺住户名册：没有记录表明名册在种子产生之前已经固定。",
                "This draw had no commitment: nothing shows that the frame was fixed before "
                "the seed was known.",
            )
            + "</p>"
        )
    recorded = commitment.recorded or {}
    rows = [
        (_t(lang, "名册默克尔根（SHA-256）", "Frame root (Merkle, SHA-256)"), commitment.root),
        (_t(lang, "名册户数", "Households in the frame"), str(commitment.size)),
        (
            _t(lang, "事先声明的种子来源", "Seed source declared in advance"),
            commitment.seed_source.said(lang),
        ),
        (
            _t(lang, "承诺记入账本", "Recorded in the ledger"),
            _t(lang, "第 {seq} 条，签名于 {at}", "record {seq}, signed at {at}").format(
                seq=recorded.get("seq", "-"), at=recorded.get("at", "-")
            ),
        ),
    ]
    body = "".join(
        f'<tr><th scope="row">{label}</th><td class="digest">{escape(value)}</td></tr>'
        for label, value in rows
    )
    caption = _t(lang, "抽样框承诺", "The frame commitment")
    table = f'<table id="commitment"><caption>{caption}</caption><tbody>{body}</tbody></table>'
    command = f"python verify_inclusion.py receipt.json --root {commitment.root}"
    script = "verify_inclusion.py" if lang == "zh" else "../verify_inclusion.py"
    how = _t(
        lang,
        "每户可向社区居委会领取自己的收据（receipt.json）。收据只含本户编号和一串哈希值，"
        "不透露其他住户。下载与本页一同发布的 "
        '<a href="{script}">verify_inclusion.py</a>，用标准 Python 运行下面的命令，'
        "即可自行核对本户在承诺的名册中：",
        "Each household can ask the residents' committee for its receipt (receipt.json). It "
        "holds the household's own id and a list of hashes, and reveals no other household. "
        'Download <a href="{script}">verify_inclusion.py</a>, published with this page, and '
        "run this command with plain Python to check that the household is in the committed "
        "frame:",
    ).format(script=script)
    return f"{heading}{table}<p>{how}<br><code>{escape(command)}</code></p>"


def _ledger(notice: Notice, lang: Lang) -> str:
    head = notice.ledger_head
    if head is None:
        return ""
    title = f'<h2 id="ledger">{_t(lang, "记录账本", "The record")}</h2>'
    current = _t(
        lang,
        f"本结果已记入防篡改账本。公示时账本的最新位置：序号 {head.seq}，"
        f'哈希 <span class="digest">{escape(head.hash)}</span>。',
        f"These results are recorded in the tamper-evident ledger. Its head when this was "
        f'announced: sequence number {head.seq}, hash <span class="digest">{escape(head.hash)}'
        "</span>.",
    )
    signed = head.signed
    if signed is None:
        note = _t(
            lang,
            "该位置未经签名；请与社区在别处公布的账本位置对照，以发现事后改写。",
            "This head is not signed; compare it with the head the community publishes "
            "elsewhere to see any later rewrite.",
        )
        return f"{title}<p>{current}</p><p>{note}</p>"
    rows = [
        (_t(lang, "序号", "Sequence number"), str(signed.seq)),
        (_t(lang, "哈希", "Hash"), signed.hash),
        (_t(lang, "签名时间", "Signed at"), signed.at),
        (_t(lang, "签名密钥编号", "Signing key id"), signed.key_id),
        (_t(lang, "Ed25519 签名", "Ed25519 signature"), signed.signature),
    ]
    if signed.ledger:
        # Which ledger the head closes: a head of another ledger shown here would not name
        # this one, and the verifier's --ledger-id and --scope check it.
        rows[1:1] = [
            (_t(lang, "账本编号", "Ledger id"), signed.ledger),
            (_t(lang, "账本范围", "Ledger scope"), signed.scope or "-"),
        ]
    body = "".join(
        f'<tr><th scope="row">{label}</th><td class="digest">{escape(value)}</td></tr>'
        for label, value in rows
    )
    caption = _t(lang, "最新的签名账本位置", "The latest signed head")
    href = "head.json" if lang == "zh" else "../head.json"
    explain = _t(
        lang,
        f'签名位置另存为 <a href="{href}">head.json</a>。持有社区公布的公钥的任何人都可核对签名，'
        "并核对账本仍然到达这一位置、哈希不变：事后改写或删去的记录都会被发现。",
        f'The signed head is also published as <a href="{href}">head.json</a>. Anyone holding '
        "the community's published public key can check the signature, and that the ledger "
        "still reaches this head with this hash: a record rewritten or removed afterwards "
        "shows.",
    )
    return (
        f"{title}<p>{current}</p>"
        f'<table id="signed-head"><caption>{caption}</caption><tbody>{body}</tbody></table>'
        f"<p>{explain}</p>"
    )


def _explanation(explanation: Explanation, lang: Lang) -> str:
    steps = explanation.html_steps(lang)
    parameters = explanation.html_parameters()
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in (
            _t(lang, "参数", "Parameter"),
            _t(lang, "取值", "Value"),
            _t(lang, "规则", "Rule"),
            _t(lang, "生效日期", "In force from"),
        )
    )
    return (
        f"<p><strong>{escape(explanation.outcome(lang))}</strong> "
        f"<small>{_t(lang, '适用规则', 'Rules')}: "
        f"{escape(', '.join(explanation.rules))}</small></p>"
        f"<ol>{steps}</ol>"
        f"<table><caption>{_t(lang, '所用政策参数', 'Policy parameters read')}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{parameters}</tbody></table>"
    )


def render_page(
    notice: Notice,
    lang: Lang,
    *,
    charts: dict[str, str] | None = None,
    font: str | None = None,
) -> str:
    """The announcement as one HTML page in ``lang`` (R-1).

    ``charts`` maps ``"ranking"`` and each unit's id to an inline SVG chart
    ([`notice_charts`][community_governance.notice.site.notice_charts]); without them
    the page has tables only. ``font`` is a CSS ``@font-face`` rule for the page's own
    Chinese font ([`font_face`][community_governance.notice.font.font_face]), used where
    the reader's device has none.
    """
    charts = charts or {}
    result = notice.result
    quarter = escape(str(result.quarter))
    community = _name(notice.community_name)
    title = _t(
        lang,
        f"{community} {quarter} 季度成员单位考评结果公示",
        f"{community}: public announcement of the {quarter} evaluation of member units",
    )
    other = (
        '<a href="en/index.html" hreflang="en" lang="en">English</a>'
        if lang == "zh"
        else '<a href="../index.html" hreflang="zh" lang="zh">中文</a>'
    )
    units = []
    for card in result.scorecards:
        chart = charts.get(card.unit_id, "")
        units.append(
            f'<details id="unit-{escape(card.unit_id)}"><summary>{_name(notice.name(card.unit_id))}'
            f"：{escape(str(card.final.reported))}（{escape(card.grade.label(lang))}）</summary>"
            if lang == "zh"
            else f'<details id="unit-{escape(card.unit_id)}"><summary>'
            f"{_name(notice.name(card.unit_id))}: {escape(str(card.final.reported))} "
            f"({escape(card.grade.label(lang))})</summary>"
        )
        if chart:
            units.append(f"<figure>{chart}</figure>")
        units.append(_explanation(card.explanation, lang) + "</details>")
    ranking = charts.get("ranking", "")
    ranking_figure = (
        f"<figure>{ranking}<figcaption>"
        + _t(
            lang,
            "最终成绩与等次分档；红色为需整改单位。",
            "Final scores against the grade bands; units to rectify in red.",
        )
        + "</figcaption></figure>"
        if ranking
        else ""
    )
    meta = _t(
        lang,
        f"公示日期：{notice.announced_on.isoformat()}　考评日期：{result.evaluated_on.isoformat()}"
        f"　政策：{escape(result.policy_id)}",
        f"Announced on {notice.announced_on.isoformat()}; evaluated on "
        f"{result.evaluated_on.isoformat()}; policy {escape(result.policy_id)}",
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title.replace('<bdi>', '').replace('</bdi>', '')}</title>\n"
        f"<style>{font or ''}{STYLE}</style>\n</head>\n<body>\n"
        f'<nav class="languages" aria-label="{_t(lang, "语言", "Language")}">{other}</nav>\n'
        f"<header><h1>{title}</h1><p class=meta>{meta}</p></header>\n<main>\n"
        f'<h2 id="objections">{_t(lang, "异议期", "Objections")}</h2>{_window(notice, lang)}\n'
        f'<h2 id="results-heading">{_t(lang, "考评结果", "Results")}</h2>'
        f"{_results(notice, lang)}{ranking_figure}\n"
        f'<h2 id="awards">{_t(lang, "荣誉证书", "Honour certificates")}</h2>'
        f"{_awards(notice, lang)}\n"
        f'<h2 id="rectification">{_t(lang, "限期整改", "Rectification")}</h2>'
        f"{_orders(notice, lang)}\n"
        f'<h2 id="survey">{_t(lang, "民意测评住户抽样", "The household sample")}</h2>'
        f"{_sample(notice, lang)}\n{_ledger(notice, lang)}\n"
        f'<h2 id="explanations">{_t(lang, "各单位成绩说明", "How each score was reached")}</h2>'
        f"{''.join(units)}\n</main>\n</body>\n</html>\n"
    )
