"""The demo ward's catalogue of standard products (`seed_demo`): per job group of its
departments, the products their tasks are assigned from, each with a conversion coefficient.

A demo task's title decides its product (PRODUCT_OF_TITLE); when the assignee's job group has
that product in its catalogue, the task is assigned from it with a quantity and weighs
coefficient × quantity; otherwise it stays outside the catalogue with a weight of at most 1.
"""

from decimal import Decimal

from directives.catalogue.models import CatalogueItem
from directives.models import Regulation

D = Decimal

# key: (name, English name, unit of measure, coefficient, note, (least, most) quantity)
PRODUCTS = {
    "HS": (
        "Thẩm định hồ sơ cấp phép, đất đai",
        "Appraisal of a licence or land dossier",
        "hồ sơ",
        D("0.5"),
        "Hồ sơ có văn bản thẩm định trình lãnh đạo ký",
        (2, 4),
    ),
    "BC": (
        "Báo cáo định kỳ (tháng, quý)",
        "Periodic report (monthly, quarterly)",
        "báo cáo",
        D("1"),
        "Báo cáo được lãnh đạo phê duyệt, gửi đúng nơi nhận",
        (1, 1),
    ),
    "BB": (
        "Biên bản kiểm tra hiện trường",
        "On-site inspection record",
        "biên bản",
        D("0.5"),
        "Biên bản có chữ ký các bên, kèm hình ảnh",
        (1, 4),
    ),
    "KH": (
        "Đề án, kế hoạch cấp phường",
        "Ward scheme or plan",
        "đề án",
        D("2"),
        "Được Chủ tịch UBND phường phê duyệt",
        (1, 1),
    ),
    "RS": (
        "Danh sách rà soát đối tượng",
        "Review list of cases",
        "danh sách",
        D("1"),
        "Danh sách đã đối chiếu với số liệu của tổ dân phố",
        (1, 2),
    ),
    "VB": (
        "Văn bản hành chính (giấy mời, công văn, thông báo)",
        "Administrative document (invitation, letter, notice)",
        "văn bản",
        D("0.25"),
        "Đúng thể thức theo Nghị định 30/2020/NĐ-CP",
        (2, 6),
    ),
    "TTHC": (
        "Hồ sơ thủ tục hành chính tiếp nhận và trả kết quả",
        "Administrative procedure dossier received and returned",
        "hồ sơ",
        D("0.1"),
        "Trả kết quả đúng hạn trên hệ thống một cửa điện tử",
        (10, 20),
    ),
    "CT": (
        "Bộ chứng từ kế toán được kiểm soát",
        "Set of accounting vouchers checked",
        "bộ chứng từ",
        D("0.1"),
        "Chứng từ hợp lệ, đủ chữ ký",
        (10, 20),
    ),
    "DV": (
        "Hạng mục duy tu, vệ sinh công cộng",
        "Public maintenance or cleaning item",
        "hạng mục",
        D("0.5"),
        "Nghiệm thu có xác nhận của tổ dân phố",
        (1, 4),
    ),
    "CD": (
        "Cuộc chỉ đạo, chủ trì kiểm tra",
        "Direction or inspection chaired",
        "cuộc",
        D("1"),
        "Có kết luận hoặc thông báo chỉ đạo",
        (1, 2),
    ),
}

# job group: (code prefix, the products of its catalogue)
JOB_GROUPS = {
    "Chuyên viên": ("CV", ["HS", "BC", "BB", "KH", "RS", "VB"]),
    "Cán sự": ("CS", ["HS", "BC", "BB", "RS", "VB"]),
    "Văn thư - Hành chính": ("VT", ["VB", "BC", "RS"]),
    "Một cửa": ("MC", ["TTHC", "BC", "RS"]),
    "Viên chức": ("VC", ["DV", "BC", "BB"]),
    "Người lao động": ("LD", ["DV"]),
    "Kế toán": ("KT", ["CT", "BC"]),
    "Lãnh đạo": ("LDP", ["CD", "KH", "BC"]),
}

# A title of directives.demo → its product; titles not named stay outside the catalogue.
PRODUCT_OF_TITLE = {
    "Báo cáo tình hình kinh tế - xã hội tháng {m}": "BC",
    "Tổng hợp số liệu báo cáo tháng {m} gửi UBND phường": "BC",
    "Rà soát văn bản quy phạm pháp luật hết hiệu lực": "RS",
    "Chuẩn bị nội dung họp giao ban tháng {m}": "VB",
    "Xây dựng kế hoạch công tác tháng {next}": "KH",
    "Trả lời kiến nghị của cử tri sau kỳ họp": "VB",
    "Soạn thảo giấy mời họp UBND phường": "VB",
    "Tổng hợp lịch công tác tuần của lãnh đạo phường": "VB",
    "Lập danh mục hồ sơ lưu trữ năm {y}": "RS",
    "Kiểm tra thể thức văn bản đi tháng {m}": "VB",
    "Thẩm định hồ sơ cấp phép xây dựng": "HS",
    "Kiểm tra trật tự xây dựng tại tổ dân phố số {n}": "BB",
    "Báo cáo tiến độ giải phóng mặt bằng dự án mở rộng đường": "BC",
    "Rà soát hộ kinh doanh cá thể trên địa bàn": "RS",
    "Rà soát hộ nghèo, hộ cận nghèo năm {y}": "RS",
    "Tổ chức chương trình văn nghệ chào mừng ngày lễ": "KH",
    "Kiểm tra vệ sinh an toàn thực phẩm tại các bếp ăn tập thể": "BB",
    "Tiếp nhận và trả kết quả hồ sơ thủ tục hành chính": "TTHC",
    "Số hóa hồ sơ thủ tục hành chính đã giải quyết": "TTHC",
    "Báo cáo tỷ lệ hồ sơ giải quyết đúng hạn tháng {m}": "BC",
    "Duy tu, bảo dưỡng hệ thống chiếu sáng công cộng": "DV",
    "Vệ sinh môi trường khu dân cư tổ dân phố số {n}": "DV",
    "Đăng ký nghĩa vụ quân sự cho công dân nam đủ 17 tuổi": "RS",
    "Tổ chức huấn luyện dân quân tự vệ": "KH",
    "Báo cáo công tác quốc phòng địa phương tháng {m}": "BC",
    "Lập báo cáo quyết toán ngân sách quý {q}": "BC",
    "Kiểm tra chứng từ thanh toán tháng {m}": "CT",
    "Đo đạc, chỉnh lý biến động đất đai": "BB",
    "Thẩm định hồ sơ cấp giấy chứng nhận quyền sử dụng đất": "HS",
    "Kiểm tra hiện trạng sử dụng đất tại tổ dân phố số {n}": "BB",
    "Chỉ đạo triển khai kế hoạch cải cách hành chính tháng {m}": "CD",
    "Chủ trì kiểm tra công tác tiếp công dân": "CD",
    "Chỉ đạo công tác phòng, chống thiên tai": "CD",
    "Đôn đốc tiến độ các dự án đầu tư công": "CD",
}


def item_code(job_group: str, key: str) -> str:
    return f"{JOB_GROUPS[job_group][0]}-{key}"


def build_demo_catalogue(regulation: Regulation) -> dict[tuple[str, str], CatalogueItem]:
    """The demo catalogue in `regulation` (written once: kept when it is already there), as
    {(job group, product key): item}."""
    wanted = {
        item_code(group, key): (group, key)
        for group, (_prefix, keys) in JOB_GROUPS.items()
        for key in keys
    }
    existing = {
        i.code: i for i in CatalogueItem.objects.filter(regulation=regulation, code__in=wanted)
    }
    missing = []
    for code, (group, key) in wanted.items():
        if code in existing:
            continue
        name, name_en, unit, coefficient, note, _quantities = PRODUCTS[key]
        missing.append(
            CatalogueItem(
                regulation=regulation,
                job_group=group,
                code=code,
                name_vi=name,
                name_en=name_en,
                unit_of_measure=unit,
                coefficient=coefficient,
                note=note,
            )
        )
    CatalogueItem.objects.bulk_create(missing)
    items = {**existing, **{i.code: i for i in missing}}
    return {wanted[code]: item for code, item in items.items()}


def demo_item(regulation: Regulation, job_group: str, key: str) -> CatalogueItem | None:
    """The demo catalogue's item of `key` for a job group, if that group has it (one query)."""
    if job_group not in JOB_GROUPS or key not in JOB_GROUPS[job_group][1]:
        return None
    return CatalogueItem.objects.filter(
        regulation=regulation, code=item_code(job_group, key)
    ).first()
