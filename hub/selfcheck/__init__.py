"""The 自查表 of the 高平方案 (附件2): `items.ITEMS` as the seed writes them, `service.self_check` answering
them from the hub's records for a school and term, `workbook.build_workbook` printing it as XLSX."""
