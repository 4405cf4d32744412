"""举报: schools flag demands that break the 减负清单; the education bureau answers.

For pages: `service.file_complaint`, `list_complaints`, `get_complaint`, `answer_complaint` (each checks the
principal), `service.views` (names filled in, for display), `reasons.REASONS` (the code list).
"""
