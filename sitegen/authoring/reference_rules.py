"""The rules section of docs/reference.md: each rule in Chinese, its figures taken from the code.

The values a rule depends on (patterns, defaults, safelists, the evaluation table, the division
table's counts) are read from the modules that apply them, so changing the code changes the
reference (`python tools/gen_reference.py`). The wording is kept next to them here.
"""

from __future__ import annotations

from collections import Counter

from sitegen.domain import evaluation
from sitegen.domain.divisions import NATIONAL, load_divisions
from sitegen.link.urls import RESERVED
from sitegen.load import beian
from sitegen.load.config import DEFAULT_MILESTONES, DEFAULT_MODEL_TITLES
from sitegen.load.fieldtypes import LINK_SCHEMES
from sitegen.load.sources import MAX_FILE_BYTES, SLUG_RE
from sitegen.render import share, sitemap
from sitegen.render.markdown_render import ALLOWED_SCHEMES, ALLOWED_TAGS, MAX_CHARS, SECONDS


def _codes(values) -> str:
    return "、".join(f"`{v}`" for v in sorted(values))


def _divisions() -> str:
    table = load_divisions()
    levels = Counter(d.level for d in table)
    without = [d for d in table if table.is_city_without_counties(d.code)]
    names = {"province": "省级", "city": "地级", "county": "县级", "zone": "开发区等（区划代码末两位 71–79）"}
    counts = "，".join(f"{names[level]} {levels[level]} 个" for level in ("province", "city", "county", "zone"))
    return f"""`region` 必须在随 sitegen 发布的区划代码表 `sitegen/data/divisions.csv` 中（`unknown-region`）。
该表是国家统计局 2023 年统计用区划代码（来源、日期和更新方法见 `sitegen/data/DIVISIONS.md`）：{counts}，
另有 `{NATIONAL}` 代表全国协会。“市辖区”“省直辖县级行政区划”等过渡行不在表中：省直辖的县级单位直接属于省，
直辖市的区直接属于直辖市。没有下辖县级单位的地级市（{"、".join(f"{d.name} {d.code}" for d in without)}）
各算一个县级单位，由它自己的协会覆盖。"""


def _evaluation() -> str:
    rows = ["| 指标 | 检查项 | 分值 | 规则 |", "|---|---|---|---|"]
    for indicator in evaluation.INDICATORS:
        for check in indicator.checks:
            rows.append(f"| {indicator.name} | {check.name} | {check.points} | {check.rule} |")
    return (
        f"`/evaluation/` 为每个县级协会列出建设情况清单（只依据台账字段，按统计日计算，不排名），满分 {evaluation.MAX_SCORE}：\n\n"
        + "\n".join(rows)
    )


def rules() -> list[tuple[str, str]]:
    """(title, Markdown body) of every rule, in reading order."""
    milestones = "、".join(f"{m['date']:%Y-%m-%d} 达到 {m['rate']:.0%}" for m in DEFAULT_MILESTONES)
    return [
        ("文件与 YAML", """内容文件一律用 UTF-8 保存（否则 `encoding`）。YAML 按 1.2 核心规则读取：`yes`、`no`、`on`、`off`
仍是文字，`9:30` 不会变成数字；只有 `true`/`false` 是布尔值。不支持锚点和别名（`&`、`*`）与自定义标签（`yaml-syntax`），
同一映射中的键不能重复（`duplicate-yaml-key`）。日期一律写成 `YYYY-MM-DD`（`invalid-date`）。
中文输入法的全角符号（`：` `，` `、` `；` `－` `【】` `［］` `｛｝`、全角空格）写在 YAML 语法的位置上时，
报 `yaml-syntax`，指出是哪个字符、在哪一行哪一列；`[…]` 列表里的全角逗号也算，正文和文字值里的不算。
错误的行号、列号从 1 开始，从文件开头数（Markdown 的头信息也算在内）；取值错误指向值，未知字段指向字段名，
缺少字段指向缺它的那个映射。"""),
        ("文件名与键", f"""协会文件以区划代码命名：`content/associations/<region>.yaml`（名字不符时警告 `file-name`）；
`region` 可以加引号，也可以直接写成整数。项目、事迹和页面的文件名就是它们的网址，必须匹配 `{SLUG_RE.pattern}`
（小写字母、数字和连字符；否则 `file-name`，并建议一个名字）。同一区划只能有一条协会记录，文件名相同的项目等同理：
重复时报 `duplicate-key`：报在文件名与区划代码不符的那个文件上（都不符时报在按路径排序的后一个上），
写出两个地名和改法，从不报在以该区划命名的文件上。文件名是另一个有效区划代码、又有记录按文件名引用它时，
`file-name` 是错误而不是警告，那些引用不再另外报错。"""),
        ("引用", """项目的 `association`、事迹的 `association` 和 `project` 必须指向已有的记录（`unknown-reference`，
指在引用它的那一行）。事迹同时写了协会和项目时，项目必须由该协会承办（否则警告 `reference-mismatch`）。
`images`、`cover` 是 `static/` 下的路径，不以 `/` 开头，文件必须存在（`missing-file`）。
一处错误只报一次：文件存在但没能读入或校验失败的记录，只在它自己的文件上报错，引用它的记录不再报 `unknown-reference`；
写错的必填字段（如 `nmae`）只报一个 `unknown-field`，并写出正确的字段名。
品牌、项目和协会的 `status` 等词表写键或中文名都可以（`brand: 金晖助老` 即 `jinhui`）；写错时提示以“键（中文名）”列出全部可选项。
正文和 `description` 中的站内链接、图片必须指向存在的页面、文件和锚点（`broken-link`，指在链接所在的行列）；
带不带 `base_url` 的子路径、结尾的 `/` 或 `index.html` 都可以；指向草稿时给出警告。"""),
        ("协会状态与日期", """`status` 为 `active`（默认）时必须写 `founded`；`preparing`（筹备中）可以不写；
`dissolved`（已撤销）时必须写 `dissolved` 日期，且不早于 `founded`；其他状态不能写 `dissolved`（`invalid-value`）。
统一社会信用代码按 GB 32100-2015 核对校验位（`credit-code`）。"""),
        ("区划代码与层级（席位制）", _divisions() + """

层级由区划代码决定：`100000` 全国，`xx0000` 省级，`xxxx00` 地级，其余为县级。县级协会是所在市协会的团体会员，
市协会是省协会的，省协会是全国协会的；上级协会不存在时，面包屑只显示地名，不加链接。开放数据中的 `parent`
是沿区划向上最近的一个已有协会，没有则为 null。名录和下属协会列表不列已撤销的协会（它们的页面仍保留）。"""),
        ("覆盖率", f"""某一天，一个县级单位“已覆盖”是指：它的协会（三种类型均可）在这一天或之前成立、且没有在这一天之前撤销；
筹备中不算。开发区（区划代码末两位 71–79）默认不计入，`coverage.count_zones: true` 时计入。
阶段目标默认为 {milestones}（`coverage.milestones` 可改，日期含当天）。
“今天”是 `as_of`（或 `sitegen coverage --as-of`），否则是**台账日期**：所有非草稿协会记录中最晚的日期字段
（`founded`、`dissolved`、`updated`、`volunteers.as_of`、培训、荣誉、团体会员加入日期等，嵌套的也算）。
事迹、项目和页面不影响台账日期；构建永远不读机器的时钟。页面上的比例四舍五入到一位小数（1/16 → 6.3%），
数据文件给出个数和未取整的比例。`sitegen check` 会写出统计日期和它的来源（哪个文件哪一行的哪个字段，或配置）。"""),
        ("统计范围", """`scope` 列出本站所讲的地区（默认 `[100000]` 全国；也可以是一个省、一个市、一个县或几个省）。
所有数字、名单和页面只统计范围内的县级单位：首页的覆盖率、`/coverage/`（各行是范围的下一级：全国网站是各省，
省网站是各市，市网站是各区县）、尚未建会的名单、评估，以及地区页（范围内每个省一页；范围在一个省之内时，范围内每个市也有一页）。
范围外的地区不会被说成“未建”或 0%。范围全是县级单位时只显示各自的状态（已建、筹备中、未建），不显示百分比。
`coverage.json` 有 `scope: {regions, counties, covered, rate, series}`；`national` 只在全国范围时出现；
`provinces` 只列范围内的省，每个省只统计它在范围内的县级单位。范围外的协会台账报 `out-of-scope`，
范围上级的协会除外：它们出现在面包屑和上级协会中，不计入任何统计。区划代码不在表中、重复、互相包含，
或 `100000` 与其他代码同列时报 `config`。"""),
        ("示范协会", f"""荣誉 `honors` 的 `title` 与 `model_titles` 中某一项**完全一致**时，协会在该年份（`year`）标为示范协会。
默认的示范称号：{"、".join(DEFAULT_MODEL_TITLES)}。配置了 `brands`、`targets`、`funding` 或 `model_titles` 时，
写出的列表替换默认值，而不是追加。"""),
        ("建设评估", _evaluation()),
        ("信息安全", """所有文本字段和正文（含草稿、注释）以及**文件名**都检查个人信息，发现时报 `privacy` 错误并给出位置：
通过校验位和出生日期核验的身份证号码（18 位和旧的 15 位）、手机号码（协会的办公电话 `contact.phone` 除外）、
通过 Luhn 校验的 16–19 位银行卡号。负责人姓名是公开信息。
检查的是读者看到的文字：全角数字和连字符、全角空格、零宽字符和软连字符、号码中间的强调（`**`）、HTML 标签、
字符实体（`&#49;`）、HTML 注释和换行（Markdown 硬换行、YAML 折叠行）都先还原再比对；YAML 的转义写法
（`"\\u0031"`、`"\\x31"`）按解析后的值检查。
经核实可以公开的号码写在 `privacy.allow` 中。"""),
        ("Markdown 与 HTML", f"""正文和 `description` 用 Markdown 书写。其中的 HTML 只保留这些标签：{_codes(ALLOWED_TAGS)}；
链接只允许 {_codes(ALLOWED_SCHEMES)} 和站内地址。被去掉的部分（包括属性写法 `{{: onclick=… }}` 中的事件属性、
样式和不允许的属性）在它所在的行给出警告 `unsafe-html`。
以 `/` 开头的链接和图片会自动加上 `base_url` 的子路径（已经写了子路径的不再重复加）。中文行与行之间的换行不会变成空格。
每条记录的 Markdown 最多 {MAX_CHARS} 个字符（超过报 `size`），须在 {SECONDS:g} 秒内渲染完（否则报 `timeout`，
通常是成千上万个没有配对的 `[`、`<`）；列表或引用嵌套太深报 `size`。内容文件最大 {MAX_FILE_BYTES // 1024 // 1024} MB（`size`），
超过的文件不读入内存。
正文中的图片默认只能来自本站：引用其他网站的图片（`![](https://…)`、`<img src="//…">`）报 `external-image` 错误，
因为每位读者打开页面都会向那个网站发出请求；确需引用时，把那个网站的域名写进 `sitegen.yaml` 的 `image_hosts`（完全一致才算）。
标题、摘要等文字中的控制字符（YAML 的 `"\\x01"` 之类）不会写进网页、订阅源和网站地图。"""),
        ("链接字段", f"""会变成网页链接的字段（`contact.website`、`governance.disclosure_url`、`registration.annual_reports[].url`、
配置中的 `edit_url` 和 `data_license.path`）只接受 {_codes(LINK_SCHEMES)} 开头的网址和以 `/` 开头的站内地址；
判断前先解码字符实体、去掉空白和控制字符，`javascript:`、`data:` 等怎样伪装都报 `invalid-value`（配置中为 `config`）。"""),
        ("SVG 图片", """`static/` 中的 SVG 在本站的域名下打开时可以运行脚本，所以每个 SVG 都按安全清单检查：只允许绘图、文字、渐变、
滤镜、裁剪和动画元素以及绘图软件的元数据；不允许 `<script>`、`<foreignObject>`、HTML 元素、`onload` 等事件属性、
指向站外或脚本的链接、把链接改成脚本的动画、`xml-stylesheet` 处理指令、DTD 实体和从其他网站加载的样式。
不符合的文件报 `unsafe-file` 错误、不会发布（不会被改写）：请用绘图软件重新导出，或改用 PNG。"""),
        ("网址", f"""所有输出路径都是 ASCII。自由页面在 `/<文件名>/`；它的文件名不能占用网站自己的栏目：{_codes(RESERVED)}。
`static/` 中的文件原样复制到网站根目录（`static/img/a.png` → `/img/a.png`）；它与生成的页面同名时报 `route-conflict`。
标签的网址是它的拼音，音节之间用连字符（`留守儿童` → `liu-shou-er-tong`；`AI` → `ai`；ü 写作 v），
两个标签拼音相同时，按字符排在后面的加 `-2`、`-3`。事迹列表和标签页按 `per_page` 分页，新的在前。"""),
        ("备案号", f"""在中国大陆用自己的域名发布的网站，每页底部居中显示 `beian` 中的备案信息：主办单位（`host`）、
ICP 备案号（`icp`，链接到工信部备案网站 {beian.ICP_SITE}），以及带公安备案图标的公安联网备案号
（`police`，链接到全国互联网安全管理服务平台 `{beian.MPS_SITE}<号码中的数字>`）。图标是主题自带的文件
`assets/beian-police.png`，不从别的网站加载；要换成别的图标，把图片放在 `static/assets/beian-police.png`。
备案号照备案系统中的写法填写：ICP 备案号是省份简称 + `ICP备` + 数字 + `号`，可带网站序号（`{beian.ICP_EXAMPLE}`）；
公安联网备案号是省份简称 + `公网安备` + 数字 + `号`（`{beian.POLICE_EXAMPLE}`）；写法不对时报 `config`。
`base_url` 是自己的域名、却没有填 `beian.icp` 时，`check` 和 `build` 给出警告 `config`。这些不算自己的域名：
托管平台的子域名（{_codes(beian.PLATFORM_DOMAINS)}）、示例域名（{_codes(beian.RESERVED_DOMAINS)}，以及
{_codes(beian.RESERVED_SUFFIXES)} 结尾的）、IP 地址和 `localhost`。"""),
        ("分享卡片与搜索引擎", f"""每个页面都带分享卡片的元数据，微信、QQ、钉钉等据此显示标题、摘要和图片：`og:title`、`og:description`、
`og:image`、`og:url`、`og:type`（事迹页是 `article`，其余是 `website`）、`og:site_name`，以及 QQ 读取的
`itemprop` 的 `name`、`description`、`image`。图片和网址都是完整网址（以 `base_url` 开头）。卡片图片：
项目页用第一张照片，事迹页用封面，其余页面（以及照片不是 PNG、JPEG 时）用 `share_image`，没有配置时用主题自带的
`{share.THEME_SHARE_IMAGE}`；照片用缩放后不超过 {share.CARD_WIDTH} 像素宽的 JPEG 或 PNG（微信不显示 WebP 和 SVG 的卡片图片）。
摘要按字数截断（最多 {share.DESCRIPTION_CHARS} 个字符，截断处加“…”），不按空格断词；自由页面的摘要取正文（不含标题）。
`verification` 中的验证码写成各搜索引擎要求的 meta 标签（{"、".join(f"`{k}` → `{v}`" for k, v in beian.VERIFICATION_META.items())}）。
站点地图超过 {sitemap.MAX_URLS:,} 个网址或 {sitemap.MAX_BYTES // (1024 * 1024)} MB 时，`/sitemap.xml` 改为站点地图索引，
列出 `/sitemap-1.xml`、`/sitemap-2.xml`……，每卷都不超过这两个限制。"""),
        ("大字与排版", """每个页面页头都有“大字”按钮：按下后全站改用大字号（手机上正文 22 像素，标题和间距按比例放大）和高对比度配色
（浅色时黑字白底，深色模式时白字黑底），再按一次恢复。选择保存在这台设备的浏览器里（`localStorage`），以后打开本站的任何页面
都直接以大字显示，不会先小后大；不需要任何第三方脚本或“无障碍工具条”。系统设置了“增强对比度”（`prefers-contrast: more`）时，
不按按钮也使用高对比度配色；Windows 高对比度主题（`forced-colors`）下使用系统颜色，按钮的按下状态仍然看得出。
浏览器禁用脚本时页面照常阅读，只是不显示这个按钮。
中文排版：`*着重*` 显示为着重号（字下加点），汉字不用斜体，也不会被浏览器排成假斜体；汉字与字母、数字之间自动留出
约四分之一字宽的间隔（`text-autospace`），代码保持原样。"""),
        ("构建与输出", """`sitegen build` 先校验全部内容，有任何错误时退出码为 1，输出目录保持原样；没有错误时，新的输出在输出目录旁边的
备用目录 `.<输出目录名>.sitegen/spare/`（上上次的输出）中备好：只写入变了的文件、删去不再生成的文件，未变的文件与
输出目录共用同一份（硬链接，修改时间不变）；然后与输出目录一步对调（Linux 上为 `renameat2(RENAME_EXCHANGE)`；
不支持时连续两次改名，中途中断则下次运行先放回上一次的输出）。访问者只会看到完整的旧网站或新网站，构建在任何时刻
被中断，输出目录都保持完整。输入和输出目录都与上次成功构建时一样时，`build` 比对文件信息后直接结束，不写任何文件。
同样的输入总生成逐字节相同的输出。除输出目录、它旁边的 `.<输出目录名>.sitegen/` 和源目录下的 `.sitegen-cache/` 外，
`build` 不写任何地方；`check` 什么都不写。
输出目录默认是 `<源目录>/output`；检查前先解析路径上的符号链接（检查的是真正会被替换的目录）。它不能是 `/`、
主目录、源目录或包含源目录，也不能放在源目录的 `content/`、`static/`、`templates/`、`themes/`、`.git/`、
`.sitegen-cache/` 之内（退出码 2）。输出目录已有文件、而不是 sitegen 生成的（没有上次构建留下的备用目录，
首页或 404 页也不是 sitegen 生成的）时，`build` 拒绝替换它（退出码 2），除非加上 `--force`。"""),
    ]
