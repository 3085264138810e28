"""The national 项目支出绩效自评表 from a validated project: the form as data (``model``), as an
Excel sheet with formulas and a department workbook (``workbook``), as Word and PDF laid out like
the national form (``document``), and written into a project's output folder (``output``)."""
