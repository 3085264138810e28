"""The review stage as a light diagonal watermark on every page: in Word the header-anchored
VML text shape that Word's own 设计 › 水印 inserts (WPS and LibreOffice show it too); the PDF's
is the Typst page background (typst-template.typ)."""

from xml.sax.saxutils import quoteattr

from docx.oxml import parse_xml

VML = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
       '<w:rPr><w:noProof/></w:rPr><w:pict>'
       '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
       'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
       '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
       '<v:shape id="PowerPlusWaterMarkObject{n}" o:spid="_x0000_s{spid}" type="#_x0000_t136" '
       'style="position:absolute;margin-left:0;margin-top:0;width:{width}pt;height:90pt;rotation:315;'
       'z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
       'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
       'fillcolor="#d9d9d9" stroked="f"><v:fill opacity=".5"/>'
       '<v:textpath style="font-family:&quot;SimHei&quot;;font-size:1pt" string={text}/></v:shape>'
       '</w:pict></w:r>')


def word_run(text: str, n: int = 1):
    """A run holding the watermark shape; put it in a header paragraph (one per header part)."""
    width = 90 * max(len(text), 2)
    return parse_xml(VML.format(n=n, spid=2049 + n, width=width, text=quoteattr(text)))


def add_to_headers(section, text: str) -> None:
    """The watermark in the section's default and first-page headers (Word's 水印 marks both)."""
    for n, header in enumerate((section.header, section.first_page_header), start=1):
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph._p.append(word_run(text, n))
