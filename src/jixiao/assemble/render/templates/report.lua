-- jixiao: the report's typesetting rules on the pandoc document, applied by both engines
-- (the built-in pandoc calls and Quarto's `filters:`) before any writer sees it.
--
-- * A line break inside a paragraph between two East Asian characters is dropped (pandoc's
--   east_asian_line_breaks, which Quarto does not apply to every format).
-- * Lists become paragraphs numbered the Chinese way: （1）（2） under a heading, 1）2）
--   under a heading that is itself numbered （N）, ①② one level deeper.
-- * A table's last row that is a total (合计, 总计, 小计, 总分) spans the label columns.
-- * Column widths follow the content: short cells (a code and name, 100.00%, ≥200万人次)
--   never wrap; long text columns share the rest of the text width. HTML keeps the
--   browser's own layout and wraps each table in <div class="table-wrap"> (wide ones scroll).
-- * For Typst, every table becomes a call of `jixiao-table` (typst-template.typ), which
--   repeats the caption as 续表, the header row and the group labels on a new page.

local stringify = pandoc.utils.stringify

-- Width of the text block in ems of table text (15.8 cm at 10.5 pt, rounded down), the
-- padding of a cell, and the length up to which a cell's text must not wrap.
local TEXT_EMS = 42
local CELL_PADDING = 1
local NO_WRAP_EMS = 7.5

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

--- Width of a text in ems: CJK and full-width characters 1, others about half.
local function ems(text)
  local width = 0
  for _, code in utf8.codes(text) do
    width = width + (wide(code) and 1 or 0.55)
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
      run = run + (wide(code) and 1 or 0.55)
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
  return out
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

local TOTALS = { "^合%s*计$", "^总%s*计$", "^小%s*计$", "^总%s*分$" }

local function is_total(text)
  for _, pattern in ipairs(TOTALS) do
    if text:match(pattern) then return true end
  end
  return false
end

--- The last body row: a total label with empty cells beside it becomes one cell spanning
--- the label columns.
local function span_total_row(tbl)
  local last
  for _, part in ipairs(tbl.bodies) do
    if #part.body > 0 then last = part.body[#part.body] end
  end
  if not last then return end
  local cells = last.cells
  local label, empties = nil, 0
  local n = 0
  for i, cell in ipairs(cells) do
    local text = stringify(cell.contents)
    if text == "" then
      empties = empties + 1
    elseif is_total(text) and not label then
      label = i
    else
      break
    end
    n = i
  end
  if not label or empties == 0 or n == #cells or #cells < #tbl.colspecs then return end
  local merged = cells[label]
  merged.col_span = n
  merged.alignment = "AlignCenter"
  local rest = pandoc.List({ merged })
  for i = n + 1, #cells do rest:insert(cells[i]) end
  last.cells = rest
end

--- Column widths as fractions of the text width, from the cells' content.
local function content_widths(tbl)
  local count = #tbl.colspecs
  local most, least = {}, {}
  for c = 1, count do most[c], least[c] = 0, 0 end
  for _, placed in ipairs((grid(tbl))) do
    if placed.cell.col_span == 1 then
      local text = stringify(placed.cell.contents)
      local width = ems(text)
      local c = placed.x + 1
      most[c] = math.max(most[c], width)
      least[c] = math.max(least[c], width <= NO_WRAP_EMS and width or longest_run(text))
    end
  end
  local widths, total, spare_wanted = {}, 0, 0
  for c = 1, count do
    most[c], least[c] = most[c] + CELL_PADDING, least[c] + CELL_PADDING
    total = total + most[c]
  end
  if total <= TEXT_EMS then
    for c = 1, count do widths[c] = most[c] / total end
    return widths
  end
  local floor = 0
  for c = 1, count do
    floor = floor + least[c]
    spare_wanted = spare_wanted + (most[c] - least[c])
  end
  local spare = math.max(TEXT_EMS - floor, 0)
  local sum = 0
  for c = 1, count do
    local share = spare_wanted > 0 and spare * (most[c] - least[c]) / spare_wanted or 0
    widths[c] = least[c] + share
    sum = sum + widths[c]
  end
  for c = 1, count do widths[c] = widths[c] / sum end
  return widths
end

-- Typst ---------------------------------------------------------------------------------

local ALIGN = { AlignLeft = "left", AlignCenter = "center", AlignRight = "right", AlignDefault = "left" }
local table_count = 0

local function typst_markup(blocks)
  local text = pandoc.write(pandoc.Pandoc(blocks), "typst")
  return "[" .. text:gsub("%s+$", "") .. "]"
end

local function typst_table(tbl, widths)
  table_count = table_count + 1
  local caption = stringify(tbl.caption.long)
  local number = caption:match("^(表%s*[%w%-%.]+)")
  local continued = number and ("续" .. number) or (caption ~= "" and caption .. "（续）" or "")
  local placed, body = grid(tbl)
  local columns, aligns = {}, {}
  for c, spec in ipairs(tbl.colspecs) do
    columns[c] = string.format("%.2f%%", widths[c] * 100)
    aligns[c] = ALIGN[spec[1]] or "left"
  end
  local head, cells = {}, {}
  for _, p in ipairs(placed) do
    local cell = p.cell
    local align = cell.alignment ~= "AlignDefault" and ALIGN[cell.alignment] or "auto"
    local entry = string.format("(x: %d, y: %d, rowspan: %d, colspan: %d, align: %s, body: %s)",
      p.x, p.y, cell.row_span, cell.col_span, align, typst_markup(cell.contents))
    table.insert(p.part == "head" and head or cells, entry)
  end
  local code = table.concat({
    "#jixiao-table(",
    string.format("  id: \"jixiao-table-%d\",", table_count),
    "  caption: " .. (caption ~= "" and typst_markup(tbl.caption.long) or "none") .. ",",
    "  continued: " .. (continued ~= "" and typst_markup({ pandoc.Plain({ pandoc.Str(continued) }) }) or "none") .. ",",
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

local function Table(tbl)
  span_total_row(tbl)
  if FORMAT:match("html") then
    for c, spec in ipairs(tbl.colspecs) do tbl.colspecs[c] = { spec[1], pandoc.ColWidthDefault } end
    return pandoc.Div({ tbl }, pandoc.Attr("", { "table-wrap" }))
  end
  local widths = content_widths(tbl)
  if FORMAT:match("typst") then
    return typst_table(tbl, widths)
  end
  for c, spec in ipairs(tbl.colspecs) do tbl.colspecs[c] = { spec[1], widths[c] } end
  return tbl
end

return {
  { Inlines = east_asian_breaks },
  { Pandoc = chinese_lists },
  { Table = Table },
}
