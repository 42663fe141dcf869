# Dumps every non-empty cell of an .xlsx as "sheet|cell|value|number format",
# plus each sheet's frozen panes and autofilter, for the crmctl report tests:
# an independent reader (openpyxl) checks what libxlsxwriter wrote. A formula
# cell also gets "sheet|cell|cached|value", the result stored with it (what
# Excel shows before recalculating), so totals can be checked as numbers.
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
cached = openpyxl.load_workbook(sys.argv[1], data_only=True)
print("sheets|" + ",".join(book.sheetnames))
for sheet in book:
    print(f"{sheet.title}|freeze|{sheet.freeze_panes}|")
    print(f"{sheet.title}|filter|{sheet.auto_filter.ref}|")
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            value = cell.value
            if hasattr(value, "strftime"):
                value = value.strftime("%Y-%m-%d")
            print(f"{sheet.title}|{cell.coordinate}|{value}|{cell.number_format}")
            if isinstance(value, str) and value.startswith("="):
                result = cached[sheet.title][cell.coordinate].value
                print(f"{sheet.title}|{cell.coordinate}|cached|{result}")
