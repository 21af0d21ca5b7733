"""The words of the console's layout, sign-in, users, audit log and devices: key -> (Indonesian, English)."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "app.name": ("Konsol Prakerja", "Prakerja console"),
    "nav.label": ("Menu utama", "Main menu"),
    "nav.dashboard": ("Dasbor", "Dashboard"),
    "nav.review": ("Tinjauan", "Review"),
    "nav.duplicates": ("Duplikat", "Duplicates"),
    "nav.devices": ("Kantor & perangkat", "Offices & devices"),
    "nav.export": ("Ekspor", "Export"),
    "nav.users": ("Pengguna", "Users"),
    "nav.audit": ("Log audit", "Audit log"),
    "nav.logout": ("Keluar", "Log out"),
    "nav.language": ("Bahasa", "Language"),
    "role.viewer": ("pemantau", "viewer"),
    "role.verifier": ("verifikator", "verifier"),
    "role.admin": ("admin", "admin"),
    "pages.label": ("Halaman", "Pages"),
    "pages.previous": ("Sebelumnya", "Previous"),
    "pages.next": ("Berikutnya", "Next"),
    "pages.page": ("Halaman {page}", "Page {page}"),
    "common.yes": ("ya", "yes"),
    "common.no": ("tidak", "no"),
    "common.never": ("belum pernah", "never"),
    "common.cancel": ("Batal", "Cancel"),
    # Sign-in
    "login.title": ("Masuk ke konsol", "Sign in to the console"),
    "login.name": ("Nama pengguna", "User name"),
    "login.password": ("Kata sandi", "Password"),
    "login.submit": ("Masuk", "Sign in"),
    "login.hint": (
        "Setelah {failures} kali kata sandi salah berturut-turut, masuk ditolak selama {minutes} menit.",
        "After {failures} wrong passwords in a row, sign-in is refused for {minutes} minutes.",
    ),
    "login.wrong": ("Nama pengguna atau kata sandi salah.", "Wrong user name or password."),
    "login.locked": (
        "Terlalu banyak percobaan gagal. Masuk dengan nama ini ditolak selama {minutes} menit, sampai pukul {until}.",
        "Too many failed attempts. Sign-in with this name is refused for {minutes} minutes, until {until}.",
    ),
    "login.slow_down": (
        "Terlalu banyak percobaan masuk dari alamat ini. Tunggu sebentar, lalu coba lagi.",
        "Too many sign-in attempts from this address. Wait a little, then try again.",
    ),
    # Refusals
    "error.not_found": ("Halaman ini tidak ada.", "There is no such page."),
    "error.bad_request": (
        "Alamat atau formulir ini berisi nilai yang tidak sah, jadi tidak diproses. Tidak ada yang diubah.",
        "This address or form holds a value that is not valid, so it was not processed. Nothing was changed.",
    ),
    "error.title": ("Ditolak", "Refused"),
    "error.forbidden": (
        "Anda tidak berwenang membuka halaman ini atau melakukan tindakan ini. Tidak ada yang diubah.",
        "You are not allowed to open this page or do this. Nothing was changed.",
    ),
    "error.csrf": (
        "Formulir ini kedaluwarsa atau tidak sah, jadi tidak diproses. Muat ulang halaman lalu coba lagi.",
        "This form has expired or is not valid, so it was not processed. Reload the page and try again.",
    ),
    "error.home": ("Kembali ke dasbor", "Back to the dashboard"),
    # Users
    "users.title": ("Pengguna konsol", "Console users"),
    "users.intro": (
        "Akun dibuat dan dinonaktifkan di server dengan perintah berikut:",
        "Accounts are made and disabled on the server with these commands:",
    ),
    "users.name": ("Nama", "Name"),
    "users.role": ("Peran", "Role"),
    "users.state": ("Status", "State"),
    "users.created": ("Dibuat", "Created"),
    "users.last_login": ("Terakhir masuk", "Last sign-in"),
    "users.active": ("aktif", "active"),
    "users.disabled": ("nonaktif", "disabled"),
    "users.locked": ("terkunci sampai {until}", "locked until {until}"),
    "users.none": ("Belum ada akun.", "No accounts yet."),
    # Audit log
    "audit.title": ("Log audit konsol", "Console audit log"),
    "audit.intro": (
        "Setiap masuk, keluar, penguncian, pembukaan data, keputusan, ekspor, kode pendaftaran dan pencabutan "
        "perangkat, terbaru di atas.",
        "Every sign-in, sign-out, lockout, record view, decision, export, enrolment code and device revoke, "
        "newest first.",
    ),
    "audit.at": ("Waktu", "Time"),
    "audit.user": ("Pengguna", "User"),
    "audit.action": ("Tindakan", "Action"),
    "audit.target": ("Sasaran", "Target"),
    "audit.detail": ("Rincian", "Detail"),
    "audit.address": ("Alamat", "Address"),
    "audit.none": ("Belum ada catatan.", "Nothing recorded yet."),
    # Devices
    "devices.title": ("Kantor & perangkat", "Offices & devices"),
    "devices.silent_count": (
        "{count} laptop tidak sinkron lebih dari {days} hari.",
        "{count} laptops have not synced for more than {days} days.",
    ),
    "devices.all_fine": (
        "Semua laptop aktif sinkron dalam {days} hari terakhir.",
        "Every active laptop synced within the last {days} days.",
    ),
    "devices.office": ("Kantor", "Office"),
    "devices.name": ("Perangkat", "Device"),
    "devices.enrolled": ("Didaftarkan", "Enrolled"),
    "devices.last_sync": ("Sinkron terakhir", "Last sync"),
    "devices.records": ("Data terkirim", "Records sent"),
    "devices.state": ("Status", "State"),
    "devices.audit": ("Jejak audit", "Audit trail"),
    "devices.active": ("aktif", "active"),
    "devices.revoked": ("dicabut", "revoked"),
    "devices.silent": ("diam > {days} hari", "silent > {days} days"),
    "devices.audit_none": ("belum ada", "none yet"),
    "devices.audit_ok": ("baik", "ok"),
    "devices.audit_rolled_back": ("DIMUNDURKAN", "ROLLED BACK"),
    "devices.audit_forked": ("BERCABANG", "FORKED"),
    "devices.audit_restore_declared": ("pemulihan dilaporkan", "restore declared"),
    "devices.revoke": ("Cabut", "Revoke"),
    "devices.none": ("Belum ada laptop yang terdaftar.", "No laptop is enrolled yet."),
    "devices.new_code": ("Kode pendaftaran baru", "New enrolment code"),
    "devices.new_code_intro": (
        "Untuk satu laptop di satu kantor desa/kelurahan. Kode hanya ditampilkan sekali dan hanya berlaku sekali.",
        "For one laptop of one desa/kelurahan office. The code is shown once and works once.",
    ),
    "devices.office_code": ("Kode desa/kelurahan (Kemendagri)", "Desa/kelurahan code (Kemendagri)"),
    "devices.hours": ("Berlaku (jam)", "Valid for (hours)"),
    "devices.make_code": ("Buat kode", "Make a code"),
    "devices.bad_office": (
        "Kode kantor harus kode desa/kelurahan dari daftar Kemendagri, misalnya 32.16.01.2001.",
        "The office must be a desa/kelurahan code from the Kemendagri list, e.g. 32.16.01.2001.",
    ),
    "devices.bad_hours": (
        "Masa berlaku harus antara 1 dan {max} jam.",
        "The code must be valid for between 1 and {max} hours.",
    ),
    "devices.code_title": ("Kode pendaftaran untuk {office}", "Enrolment code for {office}"),
    "devices.code_once": (
        "Catat atau pindai sekarang: kode ini tidak akan ditampilkan lagi. Berlaku sekali, sampai {expires}.",
        "Write it down or scan it now: this code is not shown again. It works once, until {expires}.",
    ),
    "devices.code_how": (
        "Di laptop, masukkan kode ini saat mendaftarkan laptop ke server (atau dengan perintah fieldapp enroll).",
        "On the laptop, enter this code when enrolling it with the server (or with the command fieldapp enroll).",
    ),
    "devices.copy": ("Salin kode", "Copy code"),
    "devices.copied": ("Tersalin", "Copied"),
    "devices.revoked_done": (
        "Perangkat dicabut: tokennya tidak berlaku lagi.",
        "Device revoked: its token no longer works.",
    ),
    "devices.revoke_title": ("Cabut perangkat?", "Revoke this device?"),
    "devices.revoke_text": (
        "Perangkat “{name}” di {office} tidak akan bisa sinkron lagi sampai didaftarkan ulang dengan kode baru. "
        "Data yang sudah terkirim tetap tersimpan.",
        "The device “{name}” at {office} can no longer sync until it is enrolled again with a new code. "
        "The records it sent stay.",
    ),
    "devices.revoke_yes": ("Ya, cabut perangkat ini", "Yes, revoke this device"),
}
