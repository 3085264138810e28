-- jixiao: wrap each table in <div class="table-wrap"> so wide tables scroll in HTML.
function Table(tbl)
  return pandoc.Div({tbl}, pandoc.Attr("", {"table-wrap"}))
end
