-- jixiao: the report's typesetting rules on the pandoc document, applied by both engines
-- (the built-in pandoc calls and Quarto's `filters:`) before any writer sees it.
--
-- * A line break inside a paragraph between two East Asian characters is dropped (pandoc's
--   east_asian_line_breaks, which Quarto does not apply to every format).
-- * A document number's year is set in 〔〕 (GB/T 9704): 沪财绩[2014]22号 → 沪财绩〔2014〕22号,
--   also from ［］, () and （）.
-- * Lists become paragraphs numbered the Chinese way: （1）（2） under a heading, 1）2）
--   under a heading that is itself numbered （N）, ①② one level deeper.
-- * A table's total rows (合计, 总计, 小计, 总分, 折算总分) are bold; the last one spans the
--   label columns.
-- * Column widths follow the content: short cells (a code and name, 100.00%, ≥200万人次)
--   never wrap; long text columns share the rest of the text width. HTML keeps the
--   browser's own layout and wraps each table in <div class="table-wrap"> (wide ones scroll).
-- * HTML: a cross-reference 「表 3-1」 never breaks across lines (span.ref).
-- * No lone line at a page's foot or head: a list's first two and last two items, a
--   paragraph introducing a list and its first item, a one-line paragraph closing a section
--   and the paragraph before it stay together (keep_lone_lines).
-- * For Typst, every table becomes a call of `jixiao-table` (typst-template.typ), which
--   repeats the caption as 续表 (续附表 for an annex's 附表), the header row and the group
--   labels on a new page.
-- * For Typst, a paragraph opening with a full-width bracket or quote 「（」 keeps the
--   bracket's whole em: justification would squeeze its leading half and the paragraph
--   would start left of the two-character indent.
-- * The 落款 (GB/T 9704): a paragraph naming who seals the report (「…（盖章）：…」) and the
--   date paragraph after it are set right-aligned with room for the seal above, kept on
--   the page of the paragraph before them (div "signature" in HTML, style "Signature" in
--   Word, jixiao-signature in Typst).
-- * 附件: a level-1 heading 「附件：标题」 (or 「附：标题」) starts a new page with 「附件」
--   (附件1, 附件2 … when there are several) top-left in 黑体 and the title centred; the
--   附件说明 (「附件：1. 标题」) is set in the body before the 落款.

local stringify = pandoc.utils.stringify

-- Width of the text block in ems of table text (15.8 cm at 10.5 pt, in Typst and Word), the
-- padding of a cell (Word's 0.19 cm a side and its rules; Typst's is less), and the length up to which a
-- cell's text must not wrap.
local TEXT_EMS = 42.65
local CELL_PADDING = 1.1
local NO_WRAP_EMS = 7.5
local ONE_LINE_SLACK = 0.15 -- what a text set on one line gets beyond its width (renderers differ)
local LONG_EMS = 8 -- the room a line of long text gets before short cells wrap

local LADDER = {
  function(n) return "（" .. n .. "）" end,
  function(n) return n .. "）" end,
  function(n) return utf8.char(0x245F + n) end, -- ① … ⑳
}

local function wide(code)
  return (code >= 0x1100 and code <= 0x115F) or (code >= 0x2190 and code <= 0x2BFF)
    or (code >= 0x2E80 and code <= 0xA4CF) or (code >= 0xAC00 and code <= 0xD7A3)
    or (code >= 0xF900 and code <= 0xFAFF) or (code >= 0xFE30 and code <= 0xFE4F)
    or (code >= 0xFF00 and code <= 0xFF60) or (code >= 0xFFE0 and code <= 0xFFE6)
end

--- Width of a character in ems: CJK and full-width characters 1; Latin ones as a Times-like
--- serif sets them (digits half an em, capitals wider, a space a quarter).
local function char_ems(code)
  if wide(code) then return 1 end
  if code >= 0x30 and code <= 0x39 then return 0.5 end
  if code >= 0x41 and code <= 0x5A then return 0.7 end
  if code >= 0x61 and code <= 0x7A then return 0.48 end
  if code == 0x20 or code == 0x2E or code == 0x2C then return 0.25 end
  if code == 0x25 then return 0.83 end
  return 0.55
end

-- The space renderers put between a CJK ideograph and a Latin letter or digit.
local AUTOSPACE = 0.2

local function latin(code) return (code >= 0x30 and code <= 0x39) or (code >= 0x41 and code <= 0x5A) or (code >= 0x61 and code <= 0x7A) end

local function ideograph(code)
  return wide(code) and not ((code >= 0x3000 and code <= 0x303F) or (code >= 0xFF00 and code <= 0xFF60)
    or (code >= 0xFE30 and code <= 0xFE4F) or (code >= 0x2190 and code <= 0x2BFF))
end

--- The space between two characters: AUTOSPACE between an ideograph and a Latin letter or digit.
local function between(before, code)
  return before and ((ideograph(before) and latin(code)) or (latin(before) and ideograph(code))) and AUTOSPACE or 0
end

--- Width of a text in ems, with the space between CJK and Latin characters.
local function ems(text)
  local width, before = 0, nil
  for _, code in utf8.codes(text) do
    width = width + char_ems(code) + between(before, code)
    before = code
  end
  return width
end

--- The widest run of characters a line may not break inside: Latin words and numbers
--- with their signs (a CJK character or a space is a break opportunity).
local JOINED = { [0x2265] = true, [0x2264] = true, [0xB1] = true, [0xD7] = true, [0xF7] = true, [0x2030] = true }

local function longest_run(text)
  local best, run = 0, 0
  for _, code in utf8.codes(text) do
    if (code > 0x20 and code < 0x7F) or JOINED[code] then
      run = run + char_ems(code)
      best = math.max(best, run)
    else
      run = 0
    end
  end
  return best
end

-- Line breaks ---------------------------------------------------------------------------

local function edge_code(inline, last)
  if not inline or inline.t ~= "Str" or inline.text == "" then return nil end
  local codes = {}
  for _, code in utf8.codes(inline.text) do
    if not last then return code end
    codes[1] = code
  end
  return codes[1]
end

local function east_asian_breaks(inlines)
  local out = pandoc.List()
  for i, inline in ipairs(inlines) do
    local before, after = edge_code(inlines[i - 1], true), edge_code(inlines[i + 1], false)
    if not (inline.t == "SoftBreak" and before and after and wide(before) and wide(after)) then
      out:insert(inline)
    end
  end
  return out
end

-- Document numbers ----------------------------------------------------------------------

local YEAR_BRACKETS = { { "%[", "%]" }, { "［", "］" }, { "%(", "%)" }, { "（", "）" } }

--- 沪财绩[2014]22号 → 沪财绩〔2014〕22号: a year of four digits in brackets right before a
--- number and 号, after the issuer's characters.
local function document_numbers(str)
  local text = str.text
  for _, pair in ipairs(YEAR_BRACKETS) do
    text = text:gsub("(" .. utf8.charpattern .. ")" .. pair[1] .. "(%d%d%d%d)" .. pair[2] .. "(%d%d?%d?%d?号)",
      function(before, year, number)
        local code = utf8.codepoint(before)
        if not wide(code) or before == "（" or before == "(" then return nil end
        return before .. "〔" .. year .. "〕" .. number
      end)
  end
  if text ~= str.text then return pandoc.Str(text) end
end

-- Lists ---------------------------------------------------------------------------------

local function list_start(heading)
  if heading and heading:match("^（%d+）") then
    return 2
  elseif heading and heading:match("^%d+）") then
    return 3
  end
  return 1
end

local numbered
local LIST_CLASS = "jixiao-list" -- a list's paragraphs until keep_lone_lines unwraps them

--- The blocks of one list item with its number in front of the first paragraph.
local function item_blocks(blocks, label, level)
  local out = pandoc.List()
  local first = true
  for _, block in ipairs(numbered(blocks, level + 1)) do
    if first and (block.t == "Para" or block.t == "Plain") then
      local inlines = pandoc.List({ pandoc.Str(label) })
      inlines:extend(block.content)
      out:insert(pandoc.Para(inlines))
      first = false
    else
      out:insert(block)
    end
  end
  if first then
    out:insert(1, pandoc.Para({ pandoc.Str(label) }))
  end
  return out
end

local function list_paragraphs(list, level)
  local style = LADDER[math.min(level, #LADDER)]
  local start = list.t == "OrderedList" and list.listAttributes.start or 1
  local out = pandoc.List()
  for n, item in ipairs(list.content) do
    out:extend(item_blocks(item, style(start + n - 1), level))
  end
  return pandoc.List({ pandoc.Div(out, pandoc.Attr("", { LIST_CLASS })) })
end

--- Replace the lists among ``blocks`` (and inside their containers) by numbered paragraphs;
--- ``level`` is the rung of LADDER for a list found here.
numbered = function(blocks, level)
  local out = pandoc.List()
  for _, block in ipairs(blocks) do
    if block.t == "BulletList" or block.t == "OrderedList" then
      out:extend(list_paragraphs(block, level))
    elseif block.t == "Div" or block.t == "BlockQuote" then
      block.content = numbered(block.content, level)
      out:insert(block)
    else
      out:insert(block)
    end
  end
  return out
end

local function chinese_lists(doc)
  local out = pandoc.List()
  local heading = nil
  local pending = pandoc.List()
  local function flush()
    out:extend(numbered(pending, list_start(heading)))
    pending = pandoc.List()
  end
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" then
      flush()
      heading = stringify(block)
      out:insert(block)
    else
      pending:insert(block)
    end
  end
  flush()
  doc.blocks = out
  return doc
end

-- Tables --------------------------------------------------------------------------------

--- Every cell of the table with its grid position: {cell, x, y, part}; y counts body rows
--- from 0, header rows are part "head".
local function grid(tbl)
  local placed = {}
  local function place(rows, part)
    local taken = {}
    for y, row in ipairs(rows) do
      local x = 0
      for _, cell in ipairs(row.cells) do
        while taken[(y - 1) .. ":" .. x] do x = x + 1 end
        table.insert(placed, { cell = cell, x = x, y = y - 1, part = part })
        for dy = 0, cell.row_span - 1 do
          for dx = 0, cell.col_span - 1 do
            taken[(y - 1 + dy) .. ":" .. (x + dx)] = true
          end
        end
        x = x + cell.col_span
      end
    end
  end
  place(tbl.head.rows, "head")
  local body = pandoc.List()
  for _, part in ipairs(tbl.bodies) do
    body:extend(part.head)
    body:extend(part.body)
  end
  body:extend(tbl.foot.rows)
  place(body, "body")
  return placed, body
end

local TOTALS = { "^合%s*计$", "^总%s*计$", "^小%s*计$", "^总%s*分$", "^折算总分$" }
local SPANNED = 4 -- the first four may span the label columns (折算总分 keeps its own column)

--- The rank of ``text`` in TOTALS, or nil.
local function is_total(text)
  for n, pattern in ipairs(TOTALS) do
    if text:match(pattern) then return n end
  end
  return nil
end

--- The cell's text in bold: Strong in every format but Typst, where the cell is marked
--- "total" and set in the bold face of the table's own font (typst_table).
local function embolden(cell)
  cell.attr.classes:insert("total")
  if FORMAT:match("typst") then return end
  cell.contents = cell.contents:walk({
    Plain = function(b) return pandoc.Plain({ pandoc.Strong(b.content) }) end,
    Para = function(b) return pandoc.Para({ pandoc.Strong(b.content) }) end,
  })
end

--- Total rows (合计, 总计, 小计, 总分, 折算总分 as a row's first filled cell) in bold; the
--- last body row, when a total whose label has empty cells beside it, becomes one cell
--- spanning the label columns, centred.
local function total_rows(tbl)
  local rows = pandoc.List()
  for _, part in ipairs(tbl.bodies) do rows:extend(part.body) end
  for r, row in ipairs(rows) do
    local cells = row.cells
    local label, empties, n = nil, 0, 0
    for i, cell in ipairs(cells) do
      local text = stringify(cell.contents)
      if text == "" and not label then
        empties = empties + 1
      elseif is_total(text) and not label then
        label = i
      elseif text == "" then
        empties = empties + 1
      else
        break
      end
      n = i
    end
    if label then
      for _, cell in ipairs(cells) do embolden(cell) end
      local spans = is_total(stringify(cells[label].contents)) <= SPANNED
      if spans and r == #rows and empties > 0 and n < #cells and #cells >= #tbl.colspecs then
        local merged = cells[label]
        merged.col_span = n
        merged.alignment = "AlignCenter"
        local rest = pandoc.List({ merged })
        for i = n + 1, #cells do rest:insert(cells[i]) end
        row.cells = rest
      end
    end
  end
end

-- Line filling, as a renderer breaks a cell's text: a CJK character is a unit of its own, a
-- Latin word or number (with its signs) one unit, a space a break; closing punctuation stays
-- on the line of the character before it and opening punctuation with the one after it.
local CLOSING = {}
for _, c in utf8.codes("，。、；：？！）」』》〉】〕”’%…·") do CLOSING[c] = true end
local OPENS = {}
for _, c in utf8.codes("（「『《〈【〔“‘") do OPENS[c] = true end

--- The units of ``text``: {width, chars, glyphs, lead, start, opens, closes} each: the width
--- in ems, chars the CJK characters (not punctuation) the unit holds, glyphs all its
--- characters, lead the width of the spaces before it (dropped at a line's start), start the
--- position of its first character in the text, opens and closes whether it starts with an
--- opening bracket and ends with closing punctuation.
local function units(text)
  local out, joined, opened, lead, before, at = {}, false, nil, 0, nil, 0
  for _, code in utf8.codes(text) do
    local w = char_ems(code) + between(before, code)
    before, at = code, at + 1
    if code == 0x20 then
      joined, lead = false, lead + w
    elseif ((code > 0x20 and code < 0x7F) or JOINED[code]) and joined and #out > 0 then
      out[#out].width, out[#out].glyphs = out[#out].width + w, out[#out].glyphs + 1 -- a Latin word goes on
    elseif CLOSING[code] and #out > 0 then
      out[#out].width, out[#out].glyphs, out[#out].closes = out[#out].width + w, out[#out].glyphs + 1, true
      joined = false
    elseif OPENS[code] then
      opened = opened or { width = 0, glyphs = 0, start = at }
      opened.width, opened.glyphs = opened.width + w, opened.glyphs + 1
    else
      table.insert(out, { width = w + (opened and opened.width or 0), chars = wide(code) and 1 or 0,
                          glyphs = 1 + (opened and opened.glyphs or 0), lead = lead,
                          start = opened and opened.start or at, opens = opened ~= nil })
      opened, joined, lead = nil, not wide(code), 0
    end
  end
  if opened then
    table.insert(out, { width = opened.width, chars = 0, glyphs = opened.glyphs, lead = lead, start = opened.start, opens = true })
  end
  return out
end

--- Lines of ``text`` filled greedily into ``width`` ems, each character ``spacing`` ems wider:
--- their count and the last line's units.
local function fill(list, width, spacing)
  local lines, used, last = 1, 0, {}
  for _, unit in ipairs(list) do
    local w = unit.width + (spacing or 0) * unit.glyphs
    if used > 0 and used + unit.lead + w > width + 0.01 then
      lines, used, last = lines + 1, 0, {}
    end
    used = used + (used > 0 and unit.lead or 0) + w
    table.insert(last, unit)
  end
  return lines, last
end

--- Whether ``text`` set in ``width`` ems would end on a line holding one CJK character (with
--- the punctuation after it) alone, at that width or a little either side (renderers measure
--- a little differently); a text that fits on one line at that width is set so.
local NEAR = { -0.12, 0, 0.12 }

local function runt(list, width, spacing)
  if fill(list, width, spacing) == 1 then return false end
  for _, near in ipairs(NEAR) do
    local lines, last = fill(list, width + near, spacing)
    if lines > 1 and #last == 1 and last[1].chars == 1 then return true end
  end
  return false
end

--- The narrowest width setting a short text on at most ``lines`` lines, none holding one
--- character alone; the text's whole width for one line.
local function balanced(text, lines)
  local list, whole = units(text), ems(text)
  if lines <= 1 then return whole end
  local width = math.max(longest_run(text), whole / lines)
  while width < whole do
    local count = fill(list, width)
    if count <= lines and not runt(list, width) then return width end
    width = width + 0.5
  end
  return whole
end

--- Column widths as fractions of the text width, from the cells' content. Short cells never
--- wrap while the table fits the text width with LONG_EMS for each line of long text; when
--- it does not, the widest short texts take two (then three) balanced lines. Then columns
--- trade width so that fewer cells end on a line holding one character alone.
local function content_widths(tbl)
  local count = #tbl.colspecs
  local texts, lists, most, rows = {}, {}, {}, {}
  for c = 1, count do texts[c], lists[c], most[c] = {}, {}, 0 end
  for _, placed in ipairs((grid(tbl))) do
    if placed.cell.col_span == 1 then
      local text = stringify(placed.cell.contents)
      local c, list = placed.x + 1, units(text)
      table.insert(texts[c], text)
      table.insert(lists[c], list)
      most[c] = math.max(most[c], ems(text))
      if placed.cell.row_span == 1 then
        local key = placed.part .. placed.y
        rows[key] = rows[key] or {}
        table.insert(rows[key], { c, list })
      end
    end
  end
  local lines = {}
  local function least(c)
    local width = 0
    for _, text in ipairs(texts[c]) do
      local short = ems(text) <= NO_WRAP_EMS
      width = math.max(width, short and (lines[c] == 1 and ems(text) + ONE_LINE_SLACK or balanced(text, lines[c]))
        or longest_run(text))
    end
    return width + CELL_PADDING
  end
  local bounds = {}
  for c = 1, count do
    lines[c] = 1
    most[c] = most[c] + CELL_PADDING + ONE_LINE_SLACK
    bounds[c] = least(c)
  end
  local function needed() -- the least widths, and LONG_EMS for each line of long text
    local sum = 0
    for c = 1, count do sum = sum + math.max(bounds[c], math.min(most[c], LONG_EMS + CELL_PADDING)) end
    return sum
  end
  -- Too wide for one line each: the widest short text that can take one more line does.
  while needed() > TEXT_EMS do
    local pick, gain = nil, 0.25
    for c = 1, count do
      if lines[c] < 3 then
        lines[c] = lines[c] + 1
        local saved = bounds[c] - least(c)
        lines[c] = lines[c] - 1
        if saved > gain then pick, gain = c, saved end
      end
    end
    if not pick then break end
    lines[pick] = lines[pick] + 1
    bounds[pick] = bounds[pick] - gain
  end
  local widths, total = {}, 0
  for c = 1, count do total = total + most[c] end
  if total <= TEXT_EMS then
    for c = 1, count do widths[c] = most[c] / total * TEXT_EMS end
  else
    -- What is left over the least widths goes first to long text (up to LONG_EMS), then to
    -- wrapped short texts that can have their one line back (the nearest first: a short text
    -- is set on one line or in balanced lines, never in between), then to long text again.
    local spare = TEXT_EMS
    for c = 1, count do
      widths[c] = bounds[c]
      spare = spare - bounds[c]
    end
    local function share(amount, wish)
      local asked = 0
      for c = 1, count do asked = asked + wish(c) end
      if asked <= 0 or amount <= 0 then return amount end
      local given = math.min(amount, asked)
      for c = 1, count do widths[c] = widths[c] + given * wish(c) / asked end
      return amount - given
    end
    local long = function(c) return most[c] > NO_WRAP_EMS + CELL_PADDING + ONE_LINE_SLACK end
    spare = share(spare, function(c) return long(c) and math.max(0, math.min(most[c], LONG_EMS + CELL_PADDING) - widths[c]) or 0 end)
    local wrapped = {}
    for c = 1, count do if not long(c) and widths[c] < most[c] then table.insert(wrapped, c) end end
    table.sort(wrapped, function(a, b) return most[a] - widths[a] < most[b] - widths[b] end)
    for _, c in ipairs(wrapped) do
      if most[c] - widths[c] <= spare then
        spare = spare - (most[c] - widths[c])
        widths[c] = most[c]
      end
    end
    spare = share(spare, function(c) return long(c) and most[c] - widths[c] or 0 end)
    share(spare, function(c) return widths[c] end)
  end
  -- Then columns trade width, measured by the table's lines row by row (as Word and LibreOffice
  -- fill a line; the PDF's own line breaking avoids lone characters as well): first the columns
  -- whose texts wrap, to make the table shorter; then a column whose texts would end on a line
  -- holding one character alone is narrowed or widened by up to three ems against one other
  -- column, as long as fewer texts end so in the two together, the table grows no longer and
  -- neither goes below what it needs.
  local memo = {} -- a text's lines and runt at a width (in hundredths of an em), each asked often
  local function at(list, width)
    local key = math.floor(width * 100 + 0.5)
    memo[list] = memo[list] or {}
    local known = memo[list][key]
    if not known then
      known = { (fill(list, width - CELL_PADDING)), runt(list, width - CELL_PADDING) }
      memo[list][key] = known
    end
    return known
  end
  local function runts(c, width)
    local n = 0
    for _, list in ipairs(lists[c]) do
      if at(list, width)[2] then n = n + 1 end
    end
    return n
  end
  local function height()
    local n = 0
    for _, cells in pairs(rows) do
      local tallest = 1
      for _, cell in ipairs(cells) do tallest = math.max(tallest, at(cell[2], widths[cell[1]])[1]) end
      n = n + tallest
    end
    return n
  end
  local function traded(c, d, delta, measure) -- measure() with delta ems moved from column d to c
    widths[c], widths[d] = widths[c] + delta, widths[d] - delta
    local value = measure()
    widths[c], widths[d] = widths[c] - delta, widths[d] + delta
    return value
  end
  for _ = 1, 8 do
    local tall, pick = height(), nil
    for c = 1, count do
      for d = 1, count do
        if c ~= d and most[c] > widths[c] and most[d] > widths[d] then
          for _, delta in ipairs({ 1, 2, 4 }) do
            if widths[d] - delta >= bounds[d] and widths[c] + delta <= most[c] then
              local shorter = traded(c, d, delta, height)
              if shorter < tall then tall, pick = shorter, { c, d, delta } end
            end
          end
        end
      end
    end
    if not pick then break end
    widths[pick[1]], widths[pick[2]] = widths[pick[1]] + pick[3], widths[pick[2]] - pick[3]
  end
  for c = 1, count do
    local before = runts(c, widths[c])
    local best, pick, tall = 0, nil, before > 0 and height() or 0
    for _, delta in ipairs(before > 0 and { -0.5, 0.5, -1, 1, -1.5, 1.5, -2, 2, -2.5, 2.5, -3, 3 } or {}) do
      if widths[c] + delta >= bounds[c] then
        local gain = before - runts(c, widths[c] + delta)
        for d = 1, count do
          if gain > best and d ~= c and widths[d] - delta >= bounds[d] then
            local loss = runts(d, widths[d] - delta) - runts(d, widths[d])
            if loss <= 0 and gain - loss > best and traded(c, d, delta, height) <= tall + 1 then
              best, pick = gain - loss, { delta, d }
            end
          end
        end
      end
    end
    if pick then
      widths[c], widths[pick[2]] = widths[c] + pick[1], widths[pick[2]] - pick[1]
    end
  end
  for c = 1, count do widths[c] = widths[c] / TEXT_EMS end
  return widths
end

-- Typst ---------------------------------------------------------------------------------

local ALIGN = { AlignLeft = "left", AlignCenter = "center", AlignRight = "right", AlignDefault = "left" }
local table_count = 0

local function typst_markup(blocks)
  local text = pandoc.write(pandoc.Pandoc(blocks), "typst")
  return "[" .. text:gsub("%s+$", "") .. "]"
end

-- Separates the pieces of one batched write (a Typst comment line).
local PIECE_BREAK = "// jixiao-piece-break"

--- Typst markup of several block lists in one write (a writer call costs the same for one
--- cell as for a table). Should a piece's own output hold the separator line (code), the
--- count no longer matches and each piece is written alone.
local function typst_markups(pieces)
  local blocks = pandoc.List()
  for n, piece in ipairs(pieces) do
    if n > 1 then blocks:insert(pandoc.RawBlock("typst", PIECE_BREAK)) end
    blocks:extend(piece)
  end
  local out, lines = {}, {}
  local function close()
    table.insert(out, "[" .. table.concat(lines, "\n"):gsub("^\n+", ""):gsub("%s+$", "") .. "]")
    lines = {}
  end
  for line in (pandoc.write(pandoc.Pandoc(blocks), "typst") .. "\n"):gmatch("([^\n]*)\n") do
    if line == PIECE_BREAK then close() else table.insert(lines, line) end
  end
  close()
  if #out ~= #pieces then
    out = {}
    for n, piece in ipairs(pieces) do out[n] = typst_markup(piece) end
  end
  return out
end

local function typst_table(tbl, widths)
  table_count = table_count + 1
  local caption = stringify(tbl.caption.long)
  local number = caption:match("^(附表%s*[%w%-%.]+)") or caption:match("^(表%s*[%w%-%.]+)")
  local continued = number and ("续" .. number) or (caption ~= "" and caption .. "（续）" or "")
  local placed, body = grid(tbl)
  local columns, aligns = {}, {}
  for c, spec in ipairs(tbl.colspecs) do
    columns[c] = string.format("%.2f%%", widths[c] * 100)
    aligns[c] = ALIGN[spec[1]] or "left"
  end
  local pieces = { tbl.caption.long, { pandoc.Plain({ pandoc.Str(continued) }) } }
  for _, p in ipairs(placed) do table.insert(pieces, p.cell.contents) end
  local markup = typst_markups(pieces)
  local head, cells = {}, {}
  for n, p in ipairs(placed) do
    local cell = p.cell
    local align = cell.alignment ~= "AlignDefault" and ALIGN[cell.alignment] or "auto"
    local body = markup[n + 2]
    if cell.attr.classes:includes("total") then body = "text(weight: \"bold\", " .. body .. ")" end
    local entry = string.format("(x: %d, y: %d, rowspan: %d, colspan: %d, align: %s, body: %s)",
      p.x, p.y, cell.row_span, cell.col_span, align, body)
    table.insert(p.part == "head" and head or cells, entry)
  end
  local code = table.concat({
    "#jixiao-table(",
    string.format("  id: \"jixiao-table-%d\",", table_count),
    "  caption: " .. (caption ~= "" and markup[1] or "none") .. ",",
    "  continued: " .. (continued ~= "" and markup[2] or "none") .. ",",
    "  columns: (" .. table.concat(columns, ", ") .. ",),",
    "  align: (" .. table.concat(aligns, ", ") .. ",),",
    "  header-rows: " .. #tbl.head.rows .. ",",
    "  rows: " .. #body .. ",",
    "  header: (" .. table.concat(head, ",\n    ") .. (#head > 0 and "," or "") .. "),",
    "  cells: (" .. table.concat(cells, ",\n    ") .. (#cells > 0 and "," or "") .. "),",
    ")",
  }, "\n")
  return pandoc.RawBlock("typst", code)
end

-- Word's character styles (docx_reference.py) that set a cell's characters a little wider or
-- closer, with their spacing in ems of table text: tried in this order.
local SPACINGS = { { "Table Text Loose", 0.025 }, { "Table Text Tight", -0.025 },
                   { "Table Text Looser", 0.05 }, { "Table Text Tighter", -0.05 } }

--- Where a text that would end on a line holding one character alone can start a new line
--- instead (the unit before which to break): before an opening bracket or after closing
--- punctuation, the last such place from which neither part ends so, the last part holds two
--- characters or more and the text takes no more lines.
local function break_point(list, width)
  local total = fill(list, width)
  for p = #list, 2, -1 do
    if list[p].opens or list[p - 1].closes then
      local head, tail, chars = {}, {}, 0
      for n, unit in ipairs(list) do
        table.insert(n < p and head or tail, unit)
        if n >= p then chars = chars + unit.chars end
      end
      if chars >= 2 and fill(head, width) + fill(tail, width) <= total and not runt(head, width) and not runt(tail, width) then
        return list[p].start
      end
    end
  end
end

--- ``inlines`` (Str and Space only) with a line break before the character at ``at``; nil for
--- other inlines.
local function broken_at(inlines, at)
  local out, seen = pandoc.List(), 0
  for _, inline in ipairs(inlines) do
    if inline.t == "Space" then
      seen = seen + 1
      out:insert(seen == at and pandoc.LineBreak() or inline)
    elseif inline.t == "Str" then
      local length = utf8.len(inline.text)
      if at > seen and at <= seen + length and at > seen + 1 then
        local cut = utf8.offset(inline.text, at - seen)
        out:extend({ pandoc.Str(inline.text:sub(1, cut - 1)), pandoc.LineBreak(), pandoc.Str(inline.text:sub(cut)) })
      elseif at == seen + 1 then
        out:extend({ pandoc.LineBreak(), inline })
      else
        out:insert(inline)
      end
      seen = seen + length
    else
      return nil
    end
  end
  return out
end

--- Word and LibreOffice cannot avoid a cell's last line holding one character alone, as Typst
--- does: a paragraph of a cell that would end so is set in the first character style of
--- SPACINGS with which it does not, or else starts a line earlier (break_point).
local function spaced_cells(tbl, widths)
  for _, p in ipairs((grid(tbl))) do
    local width = -CELL_PADDING
    for c = p.x + 1, p.x + p.cell.col_span do width = width + widths[c] * TEXT_EMS end
    for _, block in ipairs(p.cell.contents) do
      if block.t == "Plain" or block.t == "Para" then
        local list = units(stringify(block))
        if runt(list, width) then
          local spaced = false
          for _, option in ipairs(SPACINGS) do
            if not runt(list, width, option[2]) then
              block.content = { pandoc.Span(block.content, pandoc.Attr("", {}, { ["custom-style"] = option[1] })) }
              spaced = true
              break
            end
          end
          local at = not spaced and break_point(list, width)
          local broken = at and broken_at(block.content, at)
          if broken then block.content = broken end
        end
      end
    end
  end
end

local function Table(tbl)
  total_rows(tbl)
  if FORMAT:match("html") then
    for c, spec in ipairs(tbl.colspecs) do tbl.colspecs[c] = { spec[1], pandoc.ColWidthDefault } end
    return pandoc.Div({ tbl }, pandoc.Attr("", { "table-wrap" }))
  end
  local widths = content_widths(tbl)
  if FORMAT:match("typst") then
    return typst_table(tbl, widths)
  end
  for c, spec in ipairs(tbl.colspecs) do tbl.colspecs[c] = { spec[1], widths[c] } end
  spaced_cells(tbl, widths)
  return tbl
end

-- Opening punctuation -------------------------------------------------------------------

local OPENING = { ["（"] = true, ["“"] = true, ["‘"] = true, ["《"] = true, ["〈"] = true, ["【"] = true,
                  ["〔"] = true, ["「"] = true, ["『"] = true }

--- The first character of a Typst paragraph, if an opening bracket, in a box one em wide.
local function whole_opening(para)
  if not FORMAT:match("typst") then return nil end
  local first = para.content[1]
  if not first or first.t ~= "Str" then return nil end
  local head = first.text:match("^" .. utf8.charpattern)
  if not head or not OPENING[head] then return nil end
  local rest = first.text:sub(#head + 1)
  local box = pandoc.RawInline("typst", '#box(width: 1em, align(right, [' .. head .. ']))')
  para.content:remove(1)
  if rest ~= "" then para.content:insert(1, pandoc.Str(rest)) end
  para.content:insert(1, box)
  return para
end

-- Cross-references ----------------------------------------------------------------------

--- HTML: a reference 「表 3-1」「图 2-1」「附表 1」 in a paragraph is one unbreakable span
--- (span.ref, white-space: nowrap), so a narrow screen never leaves 「表」 at a line's end.
local REFERENCE_WORDS = { "附表", "表", "图" }

--- The text before a reference word that ``text`` ends with, and the word; or nil.
local function reference_lead(text)
  for _, word in ipairs(REFERENCE_WORDS) do
    if #text >= #word and text:sub(-#word) == word then return text:sub(1, -#word - 1), word end
  end
  return nil
end

local function unbroken_references(para)
  if not FORMAT:match("html") then return nil end
  local inlines = pandoc.List(para.content)
  local out, changed = pandoc.List(), false
  local i = 1
  while i <= #inlines do
    local here, gap, after = inlines[i], inlines[i + 1], inlines[i + 2]
    local lead, word
    if here.t == "Str" then lead, word = reference_lead(here.text) end
    local number = lead and gap and gap.t == "Space" and after and after.t == "Str" and after.text:match("^%d+%-?%d*")
    if number then
      if lead ~= "" then out:insert(pandoc.Str(lead)) end
      out:insert(pandoc.Span({ pandoc.Str(word), pandoc.Space(), pandoc.Str(number) }, pandoc.Attr("", { "ref" })))
      local rest = after.text:sub(#number + 1)
      changed = true
      if rest ~= "" then
        inlines[i + 2] = pandoc.Str(rest) -- read again: it may end with the next reference word
        i = i + 2
      else
        i = i + 3
      end
    else
      out:insert(here)
      i = i + 1
    end
  end
  if changed then
    para.content = out
    return para
  end
end

-- Lone lines ----------------------------------------------------------------------------

-- A paragraph no longer than this (in ems of body text) fits on one line of the page.
local ONE_LINE_EMS = 33

--- ``blocks`` with block i kept on the page of block i + 1 where ``keep[i]`` (both paragraphs):
--- in Typst the two become one paragraph, the second starting on a new indented line, so the
--- widow and orphan rules keep two lines on either side of a break; in Word the first takes the
--- style "Keep With Next"; in HTML it is wrapped in div.keep-with-next (break-after: avoid).
local function kept(blocks, keep)
  local out = pandoc.List()
  local typst = FORMAT:match("typst")
  local style = FORMAT:match("docx") and { ["custom-style"] = "Keep With Next" } or {}
  for i, block in ipairs(blocks) do
    local joined = typst and keep[i - 1] and out[#out] and out[#out].t == "Para"
    if joined then
      out[#out].content:insert(pandoc.RawInline("typst", "#linebreak()#h(2em)"))
      out[#out].content:extend(block.content)
    elseif keep[i] and not typst then
      out:insert(pandoc.Div({ block }, pandoc.Attr("", { "keep-with-next" }, style)))
    else
      out:insert(block)
    end
  end
  return out
end

local function is_para(block) return block and block.t == "Para" end

--- Keep a list's first two and last two items together, the paragraph introducing a list
--- (ending in 「：」) with its first item, and a one-line paragraph closing a section (the
--- score line before the next heading) with the paragraph before it, or with the table before
--- it (in HTML; in Typst it is set by jixiao-table as ``after``): no lone line at the foot or
--- the head of a page.
local function keep_lone_lines(doc)
  local blocks, keep, lists = pandoc.List(), {}, {}
  for _, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.classes:includes(LIST_CLASS) then
      local first, last = #blocks + 1, #blocks + #block.content
      local before = blocks[first - 1]
      if is_para(before) and stringify(before):match("：$") then keep[first - 1] = true end
      blocks:extend(block.content)
      for _, i in ipairs({ first, last - 1 }) do
        if i >= first and i < last and is_para(blocks[i]) and is_para(blocks[i + 1]) then keep[i] = true end
      end
    else
      blocks:insert(block)
    end
  end
  local closed = {}
  for i, block in ipairs(blocks) do
    local after, before = blocks[i + 1], blocks[i - 1]
    if is_para(block) and (after == nil or after.t == "Header") and ems(stringify(block)) <= ONE_LINE_EMS then
      if is_para(before) or (FORMAT:match("html") and before and before.t == "Div" and before.classes:includes("table-wrap")) then
        keep[i - 1] = true
      elseif FORMAT:match("typst") and before and before.t == "RawBlock" and before.text:match("^#jixiao%-table%(") then
        before.text = before.text:sub(1, -2) .. "  after: " .. typst_markup({ block }) .. ",\n)" -- before its ")"
        closed[i] = true -- set below the table, on the page of its last rows
      end
    end
  end
  local remaining, still = pandoc.List(), {}
  for i, block in ipairs(blocks) do
    if not closed[i] then
      remaining:insert(block)
      still[#remaining] = keep[i]
    end
  end
  doc.blocks = kept(remaining, still)
  return doc:walk({ Div = function(div)
    if div.classes:includes(LIST_CLASS) then return div.content end
  end })
end

-- 落款 and 附件 ----------------------------------------------------------------------------

-- Lua patterns work on bytes: the full-width colon 「：」 is matched as a string, not in a set.
local COLONS = { "：", ":" }
local ANNEX_LEADS = { "^附件%s*[%d一二三四五六七八九十]*%s*", "^附%s*" }

--- Whether ``text`` is a line of a 落款: a short label (who seals, the date) ending in
--- ``word``, a colon, and no sentence after it.
local function labelled(text, word)
  if text:find("。", 1, true) then return false end
  for _, colon in ipairs(COLONS) do
    local label = text:match("^(.-)" .. colon)
    if label and label:sub(-#word) == word and not label:find("：", 1, true)
        and utf8.len(label) - utf8.len(word) <= 8 then
      return true
    end
  end
  return false
end

local function sealed_text(text) return labelled(text, "（盖章）") end
local function dated_text(text) return labelled(text, "日期") end
local IDEOGRAPHIC_SPACE = utf8.char(0x3000)

local function annex_title(block)
  if block.t ~= "Header" or block.level ~= 1 then return nil end
  local text = stringify(block)
  for _, lead in ipairs(ANNEX_LEADS) do
    for _, colon in ipairs(COLONS) do
      local title = text:match(lead .. colon .. "%s*(.+)$")
      if title then return title end
    end
  end
  return nil
end

local function para_text(block)
  return (block and (block.t == "Para" or block.t == "Plain")) and stringify(block) or nil
end

--- The Typst call setting ``blocks`` unbreakable: the last paragraph of the text, the
--- 附件说明 and the 落款 lines (right-aligned) stay on one page.
local function typst_closing(before, notes, lines)
  local parts = {}
  for _, block in ipairs(before) do table.insert(parts, typst_markup({ block })) end
  local notes_code, lines_code = {}, {}
  for _, inlines in ipairs(notes) do table.insert(notes_code, typst_markup({ pandoc.Plain(inlines) })) end
  for _, block in ipairs(lines) do table.insert(lines_code, typst_markup({ pandoc.Plain(block.content) })) end
  return pandoc.RawBlock("typst", "#jixiao-closing(before: (" .. table.concat(parts, ", ") .. (#parts > 0 and "," or "")
    .. "), notes: (" .. table.concat(notes_code, ", ") .. (#notes_code > 0 and "," or "")
    .. "), lines: (" .. table.concat(lines_code, ", ") .. (#lines_code > 0 and "," or "") .. "))")
end

--- The 附件说明 lines: 「附件：标题」, or 「附件：1. 标题」 and the next ones aligned under it.
local function annex_notes(titles)
  local notes = {}
  for n, title in ipairs(titles) do
    local lead = n == 1 and "附件：" or IDEOGRAPHIC_SPACE:rep(3)
    local number = #titles > 1 and (n .. ". ") or ""
    table.insert(notes, { pandoc.Str(lead .. number .. title) })
  end
  return notes
end

local function closing_blocks(before, notes, lines)
  if FORMAT:match("typst") then
    return pandoc.List({ typst_closing(before, notes, lines) })
  end
  local out = pandoc.List(before)
  local style = FORMAT:match("docx") and "custom-style" or nil
  if #notes > 0 then
    local paras = pandoc.List()
    for _, inlines in ipairs(notes) do paras:insert(pandoc.Para(inlines)) end
    out:insert(pandoc.Div(paras, pandoc.Attr("", { "annex-notes" }, style and { [style] = "Annex Note" } or {})))
  end
  if #lines > 0 then
    out:insert(pandoc.Div(lines, pandoc.Attr("", { "signature" }, style and { [style] = "Signature" } or {})))
  end
  return out
end

local function annex_heading(block, label, title)
  if FORMAT:match("typst") then
    return pandoc.List({ pandoc.RawBlock("typst", "#jixiao-annex(label: " .. typst_markup({ pandoc.Plain({ pandoc.Str(label) }) })
      .. ", title: " .. typst_markup({ pandoc.Plain({ pandoc.Str(title) }) }) .. ")") })
  end
  local attrs = FORMAT:match("docx") and { ["custom-style"] = "Annex Label" } or {}
  local header = pandoc.Header(1, { pandoc.Str(title) }, pandoc.Attr(block.identifier, { "annex", "unnumbered" }))
  return pandoc.List({ pandoc.Div({ pandoc.Para({ pandoc.Str(label) }) }, pandoc.Attr("", { "annex-label" }, attrs)), header })
end

--- Set the 落款, the 附件说明 and the 附件 headings (see the top of this file).
local function closing(doc)
  local blocks = doc.blocks
  local titles, first_annex = {}, nil
  for i, block in ipairs(blocks) do
    local title = annex_title(block)
    if title then
      table.insert(titles, title)
      first_annex = first_annex or i
    end
  end
  local sealed
  for i = 1, (first_annex or #blocks + 1) - 1 do
    local text = para_text(blocks[i])
    if text and sealed_text(text) then sealed = i end
  end
  if not sealed and #titles == 0 then return doc end
  local out = pandoc.List()
  local stop = first_annex or #blocks + 1
  local lines, signature_end = pandoc.List(), nil
  if sealed then
    lines:insert(blocks[sealed])
    signature_end = sealed
    local after = para_text(blocks[sealed + 1])
    if after and dated_text(after) and sealed + 1 < stop then
      lines:insert(blocks[sealed + 1])
      signature_end = sealed + 1
    end
  end
  -- the closing goes where the 落款 is, else just before the first 附件
  local at = sealed or stop
  local before = pandoc.List()
  local start = at
  if at > 1 and para_text(blocks[at - 1]) then
    before:insert(blocks[at - 1])
    start = at - 1
  end
  for i = 1, start - 1 do out:insert(blocks[i]) end
  out:extend(closing_blocks(before, annex_notes(titles), lines))
  for i = (signature_end or at - 1) + 1, stop - 1 do out:insert(blocks[i]) end
  local n = 0
  for i = stop, #blocks do
    local title = annex_title(blocks[i])
    if title then
      n = n + 1
      out:extend(annex_heading(blocks[i], #titles > 1 and ("附件" .. n) or "附件", title))
    else
      out:insert(blocks[i])
    end
  end
  doc.blocks = out
  return doc
end

return {
  { Inlines = east_asian_breaks, Str = document_numbers },
  { Pandoc = chinese_lists },
  { Para = whole_opening },
  { Para = unbroken_references },
  { Table = Table },
  { Pandoc = closing },
  { Pandoc = keep_lone_lines },
}
