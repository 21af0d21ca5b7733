<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AddUserForm</name>
    <message>
        <source>Tambah pengguna</source>
        <translation>Add user</translation>
    </message>
    <message>
        <source>Nama pengguna baru</source>
        <translation>New user&apos;s name</translation>
    </message>
    <message>
        <source>Peran pengguna baru</source>
        <translation>New user&apos;s role</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Kata sandi pengguna baru</source>
        <translation>New user&apos;s passphrase</translation>
    </message>
    <message>
        <source>Ulangi kata sandi pengguna baru</source>
        <translation>Repeat new user&apos;s passphrase</translation>
    </message>
    <message>
        <source>Nama: 2-32 karakter, huruf kecil, angka, &apos;.&apos;, &apos;_&apos; atau &apos;-&apos;, diawali huruf. Kata sandi: minimal {0} karakter dan sulit ditebak (misalnya tiga atau empat kata acak).</source>
        <translation>Name: 2-32 characters, lowercase letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter. Passphrase: at least {0} characters and hard to guess (for example three or four random words).</translation>
    </message>
    <message>
        <source>&amp;Tambah</source>
        <translation>&amp;Add</translation>
    </message>
    <message>
        <source>&amp;Nama</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;Peran</source>
        <translation>R&amp;ole</translation>
    </message>
    <message>
        <source>&amp;Kata sandi</source>
        <translation>&amp;Passphrase</translation>
    </message>
    <message>
        <source>&amp;Ulangi kata sandi</source>
        <translation>Re&amp;type passphrase</translation>
    </message>
    <message>
        <source>Kedua kata sandi tidak sama. Ketik ulang.</source>
        <translation>The two passphrases don&apos;t match. Type them again.</translation>
    </message>
    <message>
        <source>Pengguna {0} ditambahkan.</source>
        <translation>User {0} added.</translation>
    </message>
</context>
<context>
    <name>AddressSection</name>
    <message>
        <source>Jalan, nomor rumah, kampung</source>
        <translation>Street, house number, hamlet (kampung)</translation>
    </message>
    <message>
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <source>Desa/Kelurahan</source>
        <translation>Village (desa/kelurahan)</translation>
    </message>
</context>
<context>
    <name>BackupBox</name>
    <message>
        <source>Cadangan</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>Simpan cadangan terenkripsi di luar laptop ini (flashdisk atau disk lain). Cadangan hanya bisa dibuka dengan kata sandi supervisor.</source>
        <translation>Keep an encrypted backup off this laptop (a USB stick or another disk). A backup opens only with a supervisor&apos;s passphrase.</translation>
    </message>
    <message>
        <source>Cadan&amp;gkan…</source>
        <translation>Back &amp;up…</translation>
    </message>
    <message>
        <source>&amp;Pulihkan dari cadangan…</source>
        <translation>Restore &amp;from backup…</translation>
    </message>
    <message>
        <source>Simpan cadangan</source>
        <translation>Save backup</translation>
    </message>
    <message>
        <source>Cadangan fieldapp (*.fabackup)</source>
        <translation>fieldapp backups (*.fabackup)</translation>
    </message>
    <message>
        <source>Membuat cadangan…</source>
        <translation>Making the backup…</translation>
    </message>
    <message>
        <source>Cadangan disimpan ke {0}.</source>
        <translation>Backup saved to {0}.</translation>
    </message>
    <message>
        <source>Pilih cadangan</source>
        <translation>Choose a backup</translation>
    </message>
    <message>
        <source>Cadangan fieldapp (*.fabackup);;Semua (*)</source>
        <translation>fieldapp backups (*.fabackup);;All files (*)</translation>
    </message>
    <message>
        <source>Pulihkan dari cadangan</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <source>Memeriksa cadangan…</source>
        <translation>Checking the backup…</translation>
    </message>
    <message>
        <source>Memulihkan dari cadangan…</source>
        <translation>Restoring from the backup…</translation>
    </message>
    <message>
        <source>Tetap pulihkan? Penyimpanan sekarang disimpan di samping, tidak dihapus.</source>
        <translation>Restore anyway? The current store is kept aside, not deleted.</translation>
    </message>
    <message>
        <source>Data dipulihkan dari cadangan {0}.</source>
        <translation>Data restored from the backup of {0}.</translation>
    </message>
    <message>
        <source>Penyimpanan sebelumnya disimpan sebagai {0}.</source>
        <translation>The previous store is kept as {0}.</translation>
    </message>
    <message>
        <source>Silakan masuk lagi.</source>
        <translation>Please log in again.</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <source>Grafik pendaftaran per hari</source>
        <translation>Registrations per day chart</translation>
    </message>
    <message>
        <source>Belum ada data</source>
        <translation>No data yet</translation>
    </message>
</context>
<context>
    <name>DraftOfferDialog</name>
    <message>
        <source>Pendaftaran belum selesai</source>
        <translation>Unfinished registration</translation>
    </message>
    <message>
        <source>Ada pendaftaran yang belum selesai, terakhir disimpan {0}. Lanjutkan sekarang?</source>
        <translation>There is an unfinished registration, last saved {0}. Continue it now?</translation>
    </message>
    <message>
        <source>Sudah terisi: {0}</source>
        <translation>Filled in so far: {0}</translation>
    </message>
    <message>
        <source>{0} draf lain ada di layar Draf.</source>
        <translation>{0} other draft(s) are on the Drafts screen.</translation>
    </message>
    <message>
        <source>&amp;Lanjutkan</source>
        <translation>&amp;Continue</translation>
    </message>
    <message>
        <source>&amp;Nanti</source>
        <translation>&amp;Later</translation>
    </message>
    <message>
        <source>&amp;Buang…</source>
        <translation>&amp;Discard…</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Langkah {0} dari {1}</source>
        <translation>Step {0} of {1}</translation>
    </message>
    <message>
        <source>Kembali</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Selamat datang</source>
        <translation>Welcome</translation>
    </message>
    <message>
        <source>Aplikasi ini dipakai petugas desa untuk mendaftarkan warga ke Kartu Prakerja. Pilih bahasa.</source>
        <translation>Village office staff use this app to register residents for Kartu Prakerja. Choose a language.</translation>
    </message>
    <message>
        <source>Lanjut</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>Berkas penyiapan TI tidak dipakai: {0}. Lanjutkan tanpa berkas itu.</source>
        <translation>The IT provisioning file is not used: {0}. Carry on without it.</translation>
    </message>
    <message>
        <source>Supervisor pertama dan kantor</source>
        <translation>First supervisor and office</translation>
    </message>
    <message>
        <source>Buat akun supervisor laptop ini. Kata sandinya membuka kunci semua data di laptop: minimal 10 karakter, sebaiknya beberapa kata. Pilih desa/kelurahan kantor tempat laptop ini dipakai.</source>
        <translation>Create the supervisor account for this laptop. Its passphrase unlocks all data on the laptop: at least 10 characters, ideally several words. Choose the desa/kelurahan of the office where this laptop is used.</translation>
    </message>
    <message>
        <source>mis. kepala.desa</source>
        <translation>e.g. kepala.desa</translation>
    </message>
    <message>
        <source>kantor</source>
        <translation>office</translation>
    </message>
    <message>
        <source>&amp;Nama pengguna</source>
        <translation>&amp;User name</translation>
    </message>
    <message>
        <source>&amp;Kata sandi</source>
        <translation>&amp;Passphrase</translation>
    </message>
    <message>
        <source>&amp;Ulangi kata sandi</source>
        <translation>Re&amp;type passphrase</translation>
    </message>
    <message>
        <source>Kantor (&amp;desa/kelurahan) tempat laptop ini dipakai</source>
        <translation>Office (&amp;desa/kelurahan) where this laptop is used</translation>
    </message>
    <message>
        <source>Kantor dan server pusat ditetapkan oleh berkas penyiapan dari petugas TI.</source>
        <translation>The office and the central server are set by the provisioning file from the IT officer.</translation>
    </message>
    <message>
        <source>Buat penyimpanan terenkripsi</source>
        <translation>Create encrypted storage</translation>
    </message>
    <message>
        <source>Kode pemulihan</source>
        <translation>Recovery code</translation>
    </message>
    <message>
        <source>Jika semua kata sandi supervisor terlupa, hanya kode ini yang dapat membuka data. Tulis di kertas, simpan di tempat terkunci, jangan difoto. Kode ini hanya ditampilkan sekali.</source>
        <translation>If all supervisor passphrases are forgotten, only this code can unlock the data. Write it on paper, keep it in a locked place, and do not photograph it. This code is shown only once.</translation>
    </message>
    <message>
        <source>Saya sudah menulis kode pemulihan ini dan menyimpannya di tempat aman</source>
        <translation>I have written down this recovery code and stored it in a safe place</translation>
    </message>
    <message>
        <source>Server pusat (boleh nanti)</source>
        <translation>Central server (can be done later)</translation>
    </message>
    <message>
        <source>Masukkan alamat server pusat dan kode pendaftaran sekali pakai dari petugas TI kabupaten. Tanpa internet sekarang? Lewati saja: pendaftaran tetap bisa dilakukan, dan perangkat dapat didaftarkan nanti di menu Pengaturan.</source>
        <translation>Enter the central server address and the one-time registration code from the regency IT officer. No internet right now? Just skip: you can still register applicants, and the device can be registered later in the Settings menu.</translation>
    </message>
    <message>
        <source>&amp;Alamat server</source>
        <translation>Server &amp;address</translation>
    </message>
    <message>
        <source>&amp;Kode pendaftaran</source>
        <translation>&amp;Registration code</translation>
    </message>
    <message>
        <source>Lewati, daftarkan nanti</source>
        <translation>Skip, register later</translation>
    </message>
    <message>
        <source>Daftarkan perangkat</source>
        <translation>Register device</translation>
    </message>
    <message>
        <source>Server pusat</source>
        <translation>Central server</translation>
    </message>
    <message>
        <source>Laptop ini didaftarkan ke server pusat {0} dengan kode sekali pakai dari berkas penyiapan TI. Tanpa internet sekarang? Lewati saja: perangkat dapat didaftarkan nanti di menu Pengaturan.</source>
        <translation>This laptop is being registered with the central server {0} using the one-time code from the IT provisioning file. No internet right now? Just skip: the device can be registered later in the Settings menu.</translation>
    </message>
    <message>
        <source>Coba lagi</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>(belum ditentukan)</source>
        <translation>(not set yet)</translation>
    </message>
    <message>
        <source>terdaftar di server pusat</source>
        <translation>registered with the central server</translation>
    </message>
    <message>
        <source>belum terdaftar</source>
        <translation>not registered yet</translation>
    </message>
    <message>
        <source>Siap dipakai</source>
        <translation>Ready to use</translation>
    </message>
    <message>
        <source>Penyimpanan terenkripsi sudah dibuat untuk kantor {0}; perangkat {1}. Langkah berikutnya: tambahkan akun operator di menu Pengguna.</source>
        <translation>Encrypted storage has been created for office {0}; device {1}. Next step: add operator accounts in the Users menu.</translation>
    </message>
    <message>
        <source>Mulai</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Membuat penyimpanan dan kunci (beberapa detik)…</source>
        <translation>Creating storage and keys (a few seconds)…</translation>
    </message>
    <message>
        <source>Isi alamat server dan kode pendaftaran, atau pilih Lewati.</source>
        <translation>Fill in the server address and registration code, or choose Skip.</translation>
    </message>
    <message>
        <source>Menghubungi server…</source>
        <translation>Contacting server…</translation>
    </message>
</context>
<context>
    <name>LanguageBox</name>
    <message>
        <source>Bahasa</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Bahasa aplikasi</source>
        <translation>App language</translation>
    </message>
    <message>
        <source>&amp;Terapkan bahasa</source>
        <translation>A&amp;pply language</translation>
    </message>
    <message>
        <source>&amp;Bahasa</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>Berlaku langsung untuk laptop ini dan tetap dipakai saat aplikasi dibuka lagi.</source>
        <translation>Takes effect right away on this laptop and is kept when the app is opened again.</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Pendaftaran Kartu Prakerja</source>
        <translation>Kartu Prakerja Registration</translation>
    </message>
    <message>
        <source>Pendaftaran dengan pendampingan di kantor desa</source>
        <translation>Assisted registration at the village office</translation>
    </message>
    <message>
        <source>&amp;Masuk</source>
        <translation>&amp;Log in</translation>
    </message>
    <message>
        <source>Lupa kata sandi? Pulihkan dengan kode pemulihan</source>
        <translation>Forgot your passphrase? Recover it with the recovery code</translation>
    </message>
    <message>
        <source>&amp;Pengguna</source>
        <translation>&amp;User</translation>
    </message>
    <message>
        <source>&amp;Kata sandi</source>
        <translation>&amp;Passphrase</translation>
    </message>
    <message>
        <source>&amp;Bahasa</source>
        <translation>Lan&amp;guage</translation>
    </message>
    <message>
        <source>Memeriksa kata sandi…</source>
        <translation>Checking passphrase…</translation>
    </message>
    <message>
        <source>Terkunci, coba lagi dalam {0}:{1:02d}</source>
        <translation>Locked, try again in {0}:{1:02d}</translation>
    </message>
    <message>
        <source>Masukkan kode pemulihan yang dicatat saat aplikasi dipasang, lalu kata sandi baru. Setelah itu kode pemulihan lama tidak berlaku dan kode baru ditampilkan sekali.</source>
        <translation>Enter the recovery code written down when the app was installed, then a new passphrase. After that the old recovery code no longer works and a new code is shown once.</translation>
    </message>
    <message>
        <source>Kode &amp;pemulihan</source>
        <translation>Recovery &amp;code</translation>
    </message>
    <message>
        <source>Kata sandi &amp;baru (min. {0} karakter, sulit ditebak)</source>
        <translation>&amp;New passphrase (min. {0} characters, hard to guess)</translation>
    </message>
    <message>
        <source>&amp;Ulangi kata sandi baru</source>
        <translation>Re&amp;peat new passphrase</translation>
    </message>
    <message>
        <source>&amp;Pulihkan</source>
        <translation>&amp;Recover</translation>
    </message>
    <message>
        <source>Kembali</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Kedua kata sandi baru tidak sama.</source>
        <translation>The two new passphrases don&apos;t match.</translation>
    </message>
    <message>
        <source>Memeriksa kode pemulihan…</source>
        <translation>Checking recovery code…</translation>
    </message>
    <message>
        <source>Kata sandi baru sudah berlaku. Silakan masuk.</source>
        <translation>The new passphrase is now active. Please log in.</translation>
    </message>
    <message>
        <source>Kode pemulihan baru</source>
        <translation>New recovery code</translation>
    </message>
    <message>
        <source>Catat kode pemulihan baru ini dan simpan di tempat terkunci. Kode ini hanya ditampilkan sekali:</source>
        <translation>Write down this new recovery code and keep it in a locked place. This code is shown only once:</translation>
    </message>
    <message>
        <source>Saya sudah mencatat kode ini</source>
        <translation>I have written down this code</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Pendaftaran Kartu Prakerja</source>
        <translation>Kartu Prakerja Registration</translation>
    </message>
</context>
<context>
    <name>PolicyBox</name>
    <message>
        <source>Kebijakan laptop</source>
        <translation>Laptop policy</translation>
    </message>
    <message>
        <source> menit</source>
        <translation> minutes</translation>
    </message>
    <message>
        <source>Kunci otomatis setelah menit tanpa aktivitas</source>
        <translation>Lock automatically after minutes without activity</translation>
    </message>
    <message>
        <source>Kirim data otomatis saat ada koneksi</source>
        <translation>Send data automatically when online</translation>
    </message>
    <message>
        <source>Sinkronisasi otomatis</source>
        <translation>Automatic sync</translation>
    </message>
    <message>
        <source> hari</source>
        <translation> days</translation>
    </message>
    <message>
        <source>Hapus draf yang tidak disimpan selama hari</source>
        <translation>Delete drafts not saved for this many days</translation>
    </message>
    <message>
        <source>&amp;Simpan kebijakan</source>
        <translation>&amp;Save policy</translation>
    </message>
    <message>
        <source>Hanya supervisor yang dapat mengubah kebijakan ini.</source>
        <translation>Only a supervisor can change this policy.</translation>
    </message>
    <message>
        <source>Kunci &amp;otomatis setelah</source>
        <translation>Aut&amp;o-lock after</translation>
    </message>
    <message>
        <source>Si&amp;nkronisasi otomatis</source>
        <translation>Automatic sy&amp;nc</translation>
    </message>
    <message>
        <source>Simpan &amp;draf selama</source>
        <translation>Keep &amp;drafts for</translation>
    </message>
    <message>
        <source>Kebijakan disimpan.</source>
        <translation>Policy saved.</translation>
    </message>
</context>
<context>
    <name>ReceiptPanel</name>
    <message>
        <source>Tanda terima terakhir</source>
        <translation>Latest receipt</translation>
    </message>
    <message>
        <source>&amp;Cetak…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <source>Simpan &amp;PDF…</source>
        <translation>Save P&amp;DF…</translation>
    </message>
    <message>
        <source>Tersimpan dan masuk antrean kirim. Nomor pendaftaran: {0}</source>
        <translation>Saved and queued for sending. Registration number: {0}</translation>
    </message>
    <message>
        <source>Simpan tanda terima</source>
        <translation>Save receipt</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>PDF disimpan: {0}</source>
        <translation>PDF saved: {0}</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Data pendaftar {0}</source>
        <translation>Applicant record {0}</translation>
    </message>
    <message>
        <source>Nama lengkap</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>No. registrasi {0}  ·  Status: {1}  ·  Versi {2}  ·  Dibuat {3}  ·  Operator {4}</source>
        <translation>Registration no. {0}  ·  Status: {1}  ·  Version {2}  ·  Created {3}  ·  Operator {4}</translation>
    </message>
    <message>
        <source>Ringkasan</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>Status sinkronisasi: {0}</source>
        <translation>Sync status: {0}</translation>
    </message>
    <message>
        <source>Penjelasan</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <source>Catatan server: {0}</source>
        <translation>Server note: {0}</translation>
    </message>
    <message>
        <source>Catatan server</source>
        <translation>Server note</translation>
    </message>
    <message>
        <source>Alamat KTP</source>
        <translation>KTP address</translation>
    </message>
    <message>
        <source>Identitas</source>
        <translation>Identity</translation>
    </message>
    <message>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Nomor KK</source>
        <translation>KK number</translation>
    </message>
    <message>
        <source>Nama ibu kandung</source>
        <translation>Mother&apos;s maiden name</translation>
    </message>
    <message>
        <source>Tempat lahir</source>
        <translation>Place of birth</translation>
    </message>
    <message>
        <source>Tanggal lahir</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>Kontak</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>Nomor HP</source>
        <translation>Mobile phone number</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>(tidak diisi)</source>
        <translation>(not filled in)</translation>
    </message>
    <message>
        <source>Pendidikan &amp;&amp; Pekerjaan</source>
        <translation>Education &amp;&amp; Work</translation>
    </message>
    <message>
        <source>Pendidikan terakhir</source>
        <translation>Highest education</translation>
    </message>
    <message>
        <source>Status pekerjaan</source>
        <translation>Employment status</translation>
    </message>
    <message>
        <source>Sedang sekolah/kuliah</source>
        <translation>Currently in school/college</translation>
    </message>
    <message>
        <source>Pekerjaan yang dikecualikan</source>
        <translation>Excluded occupation</translation>
    </message>
    <message>
        <source>Minat pelatihan</source>
        <translation>Training interests</translation>
    </message>
    <message>
        <source>(kode tidak dikenal)</source>
        <translation>(unknown code)</translation>
    </message>
    <message>
        <source>Jalan</source>
        <translation>Street</translation>
    </message>
    <message>
        <source>RT/RW</source>
        <translation>RT/RW</translation>
    </message>
    <message>
        <source>Desa/Kelurahan</source>
        <translation>Village (desa/kelurahan)</translation>
    </message>
    <message>
        <source>Kecamatan</source>
        <translation>District (kecamatan)</translation>
    </message>
    <message>
        <source>Kabupaten/Kota</source>
        <translation>Regency/City</translation>
    </message>
    <message>
        <source>Provinsi</source>
        <translation>Province</translation>
    </message>
    <message>
        <source>Kode wilayah</source>
        <translation>Region code</translation>
    </message>
    <message>
        <source>Domisili</source>
        <translation>Residence</translation>
    </message>
    <message>
        <source>Alamat domisili</source>
        <translation>Residential address</translation>
    </message>
    <message>
        <source>Sama dengan alamat KTP</source>
        <translation>Same as KTP address</translation>
    </message>
    <message>
        <source>Persetujuan</source>
        <translation>Consent</translation>
    </message>
    <message>
        <source>Setuju pemrosesan data (UU PDP)</source>
        <translation>Consents to data processing (UU PDP)</translation>
    </message>
    <message>
        <source>Catatan</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>(tidak ada)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>Riwayat versi</source>
        <translation>Version history</translation>
    </message>
    <message>
        <source>Versi</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Disimpan</source>
        <translation>Saved</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Ubah</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>Ubah data ini; perubahan disimpan sebagai versi baru</source>
        <translation>Edit this record; changes are saved as a new version</translation>
    </message>
    <message>
        <source>Tanda &amp;terima…</source>
        <translation>Re&amp;ceipt…</translation>
    </message>
    <message>
        <source>Cetak atau simpan lagi tanda terima pendaftar ini</source>
        <translation>Print or save this applicant&apos;s receipt again</translation>
    </message>
    <message>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Tanda terima</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>Ubah data pendaftar {0}</source>
        <translation>Edit applicant record {0}</translation>
    </message>
    <message>
        <source>Data sudah diverifikasi</source>
        <translation>Record already verified</translation>
    </message>
    <message>
        <source>Data ini sudah diverifikasi server. Jika diubah, versi barunya dikirim lagi dan diperiksa ulang (statusnya kembali menunggu). Tetap ubah?</source>
        <translation>The server has verified this record. If you change it, the new version is sent again and reviewed again (its state goes back to pending). Change it anyway?</translation>
    </message>
</context>
<context>
    <name>RecordsModel</name>
    <message>
        <source>Klik untuk membalik urutan (terbaru/terlama dulu)</source>
        <translation>Click to reverse the order (newest/oldest first)</translation>
    </message>
    <message>
        <source>No. registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Versi</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Dibuat</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>Catatan server</source>
        <translation>Server note</translation>
    </message>
    <message>
        <source>Data rusak</source>
        <translation>Damaged record</translation>
    </message>
    <message>
        <source>Data terenkripsi rekaman ini gagal pemeriksaan integritas. Jalankan pemeriksaan data (verify) atau hubungi petugas TI; rekaman lain tidak terpengaruh.</source>
        <translation>The encrypted data of this record failed the integrity check. Run the data check (verify) or contact the IT officer; other records are not affected.</translation>
    </message>
    <message>
        <source>Diubah terakhir: {0}</source>
        <translation>Last changed: {0}</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeDialog</name>
    <message>
        <source>Kode pemulihan baru</source>
        <translation>New recovery code</translation>
    </message>
    <message>
        <source>Tulis kode ini di kertas dan simpan di tempat terkunci; jangan difoto. Kode ini hanya ditampilkan sekali, dan mengembalikan data serta hak supervisor jika semua kata sandi terlupa.</source>
        <translation>Write this code on paper and keep it locked away; do not photograph it. It is shown only once, and it gives back the data and supervisor rights if every passphrase is forgotten.</translation>
    </message>
    <message>
        <source>Saya sudah menulis kode pemulihan ini dan menyimpannya di tempat aman</source>
        <translation>I have written this recovery code down and put it somewhere safe</translation>
    </message>
    <message>
        <source>Selesai</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>RegionPicker</name>
    <message>
        <source>Ketik nama desa/kelurahan…</source>
        <translation>Type a desa/kelurahan name…</translation>
    </message>
    <message>
        <source>Cari desa/kelurahan untuk {0}</source>
        <translation>Search desa/kelurahan for {0}</translation>
    </message>
    <message>
        <source>Provinsi</source>
        <translation>Province</translation>
    </message>
    <message>
        <source>Kabupaten/Kota</source>
        <translation>Regency/City</translation>
    </message>
    <message>
        <source>Kecamatan</source>
        <translation>District (kecamatan)</translation>
    </message>
    <message>
        <source>Desa/Kelurahan</source>
        <translation>Village (desa/kelurahan)</translation>
    </message>
    <message>
        <source>Cari</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>— pilih —</source>
        <translation>— choose —</translation>
    </message>
</context>
<context>
    <name>RegistrationForm</name>
    <message>
        <source>Alamat KTP</source>
        <translation>KTP address</translation>
    </message>
    <message>
        <source>HH-BB-TTTT</source>
        <translation>DD-MM-YYYY</translation>
    </message>
    <message>
        <source>— pilih —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <source>Identitas</source>
        <translation>Identity</translation>
    </message>
    <message>
        <source>&amp;NIK (16 digit)</source>
        <translation>&amp;NIK (16 digits)</translation>
    </message>
    <message>
        <source>Nomor &amp;KK (16 digit)</source>
        <translation>&amp;KK number (16 digits)</translation>
    </message>
    <message>
        <source>Nama &amp;lengkap sesuai KTP</source>
        <translation>&amp;Full name as on KTP</translation>
    </message>
    <message>
        <source>Nama &amp;ibu kandung</source>
        <translation>&amp;Mother&apos;s maiden name</translation>
    </message>
    <message>
        <source>&amp;Tempat lahir</source>
        <translation>Place of &amp;birth</translation>
    </message>
    <message>
        <source>Tanggal lahir (HH-BB-TTTT)</source>
        <translation>Date of birth (DD-MM-YYYY)</translation>
    </message>
    <message>
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>nama@contoh.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <source>Kontak</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>Nomor &amp;HP</source>
        <translation>Mobile &amp;phone number</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>&amp;Email</translation>
    </message>
    <message>
        <source>Domisili</source>
        <translation>Residence</translation>
    </message>
    <message>
        <source>Alamat domisili &amp;sama dengan alamat KTP</source>
        <translation>Residential address is the &amp;same as KTP address</translation>
    </message>
    <message>
        <source>Alamat domisili</source>
        <translation>Residential address</translation>
    </message>
    <message>
        <source>Sedang sekolah atau kuliah</source>
        <translation>Currently in school or college</translation>
    </message>
    <message>
        <source>Bekerja di pekerjaan yang dikecualikan</source>
        <translation>Works in an excluded occupation</translation>
    </message>
    <message>
        <source>Pekerjaan</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <source>ASN, TNI/Polri, perangkat desa, anggota DPR/DPRD, atau direksi BUMN/BUMD</source>
        <translation>ASN, TNI/Polri, village officials, DPR/DPRD members, or BUMN/BUMD directors</translation>
    </message>
    <message>
        <source>Pendaftar menyetujui pemrosesan data pribadinya</source>
        <translation>The applicant consents to the processing of their personal data</translation>
    </message>
    <message>
        <source>Petugas sudah menjelaskan bahwa data dipakai untuk pendaftaran Kartu Prakerja, disimpan terenkripsi dan dikirim ke server pusat (UU PDP No. 27/2022).</source>
        <translation>The officer has explained that the data is used for Kartu Prakerja registration, stored encrypted and sent to the central server (UU PDP No. 27/2022).</translation>
    </message>
    <message>
        <source>mis. menjahit, pemasaran digital</source>
        <translation>e.g. sewing, digital marketing</translation>
    </message>
    <message>
        <source>Pendidikan &amp;&amp; Pekerjaan</source>
        <translation>Education &amp;&amp; Work</translation>
    </message>
    <message>
        <source>Pendidikan terakhir</source>
        <translation>Highest education</translation>
    </message>
    <message>
        <source>Status pekerjaan</source>
        <translation>Employment status</translation>
    </message>
    <message>
        <source>Pendidikan formal</source>
        <translation>Formal education</translation>
    </message>
    <message>
        <source>&amp;Minat pelatihan</source>
        <translation>&amp;Training interests</translation>
    </message>
    <message>
        <source>Ca&amp;tatan</source>
        <translation>N&amp;otes</translation>
    </message>
    <message>
        <source>Persetujuan</source>
        <translation>Consent</translation>
    </message>
    <message>
        <source>Simpan (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>Kosongkan (Esc)</source>
        <translation>Clear (Esc)</translation>
    </message>
    <message>
        <source>Batal (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Draf tersimpan {0}</source>
        <translation>Draft saved {0}</translation>
    </message>
    <message>
        <source>Disimpan sebagai {0}</source>
        <translation>Saved as {0}</translation>
    </message>
    <message>
        <source>Belum bisa disimpan: {0} isian perlu diperbaiki (ditandai merah).</source>
        <translation>Can&apos;t save yet: {0} field(s) need fixing (marked in red).</translation>
    </message>
    <message>
        <source>Batalkan perubahan</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <source>Buang perubahan pada data ini? Versi yang tersimpan tidak berubah.</source>
        <translation>Discard the changes to this record? The saved version stays as it is.</translation>
    </message>
    <message>
        <source>Kosongkan formulir</source>
        <translation>Clear form</translation>
    </message>
    <message>
        <source>Hapus semua isian formulir ini? Data yang belum disimpan akan hilang.</source>
        <translation>Clear all fields of this form? Unsaved data will be lost.</translation>
    </message>
</context>
<context>
    <name>ResetForm</name>
    <message>
        <source>Atur ulang kata sandi</source>
        <translation>Reset passphrase</translation>
    </message>
    <message>
        <source>Pilih pengguna di tabel.</source>
        <translation>Select a user in the table.</translation>
    </message>
    <message>
        <source>Kata sandi baru</source>
        <translation>New passphrase</translation>
    </message>
    <message>
        <source>Ulangi kata sandi baru</source>
        <translation>Repeat new passphrase</translation>
    </message>
    <message>
        <source>Minimal {0} karakter. Mengatur ulang juga membuka kunci pengguna yang terkunci.</source>
        <translation>At least {0} characters. Resetting also unlocks a locked-out user.</translation>
    </message>
    <message>
        <source>Atu&amp;r ulang</source>
        <translation>&amp;Reset</translation>
    </message>
    <message>
        <source>Pengguna</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Kata sandi &amp;baru</source>
        <translation>Ne&amp;w passphrase</translation>
    </message>
    <message>
        <source>U&amp;langi</source>
        <translation>Rep&amp;eat</translation>
    </message>
    <message>
        <source>Kedua kata sandi tidak sama. Ketik ulang.</source>
        <translation>The two passphrases don&apos;t match. Type them again.</translation>
    </message>
    <message>
        <source>Kata sandi {0} sudah diganti.</source>
        <translation>Passphrase of {0} has been changed.</translation>
    </message>
    <message>
        <source>Pengguna ini tetap nonaktif; pilih &quot;Aktifkan lagi&quot; agar bisa masuk.</source>
        <translation>This user stays disabled; choose &quot;Enable again&quot; to let them log in.</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>Pulihkan dari cadangan</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <source>Data di laptop ini akan diganti dengan isi cadangan. Penyimpanan saat ini tidak dihapus: disimpan di samping sebagai berkas terpisah. Setelah itu aplikasi terkunci dan semua pengguna masuk lagi.</source>
        <translation>The data on this laptop will be replaced by the backup&apos;s. The current store is not deleted: it is kept beside it as a separate file. The app then locks and everyone logs in again.</translation>
    </message>
    <message>
        <source>&amp;Pulihkan</source>
        <translation>&amp;Restore</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>&amp;Kata sandi Anda di cadangan itu</source>
        <translation>Your &amp;passphrase in that backup</translation>
    </message>
</context>
<context>
    <name>Screen</name>
    <message>
        <source>Daftar Pendaftar</source>
        <translation>Applicant List</translation>
    </message>
    <message>
        <source>Nama, atau NIK lengkap 16 digit</source>
        <translation>Name, or full 16-digit NIK</translation>
    </message>
    <message>
        <source>Cari pendaftar</source>
        <translation>Search applicants</translation>
    </message>
    <message>
        <source>Saring menurut status</source>
        <translation>Filter by status</translation>
    </message>
    <message>
        <source>Semua</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Urutan</source>
        <translation>Order</translation>
    </message>
    <message>
        <source>Terbaru dulu</source>
        <translation>Newest first</translation>
    </message>
    <message>
        <source>Terlama dulu</source>
        <translation>Oldest first</translation>
    </message>
    <message>
        <source>Jumlah data</source>
        <translation>Number of records</translation>
    </message>
    <message>
        <source>&amp;Cari:</source>
        <translation>&amp;Find:</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>&amp;Status:</translation>
    </message>
    <message>
        <source>&amp;Urutan:</source>
        <translation>&amp;Order:</translation>
    </message>
    <message>
        <source>Daftar pendaftar</source>
        <translation>Applicant list</translation>
    </message>
    <message>
        <source>Enter atau klik dua kali pada baris untuk membuka data.</source>
        <translation>Press Enter or double-click a row to open the record.</translation>
    </message>
    <message>
        <source>&amp;Buka</source>
        <translation>O&amp;pen</translation>
    </message>
    <message>
        <source>NIK dicari utuh: ketik ke-16 digitnya.</source>
        <translation>NIK is searched in full: type all 16 digits.</translation>
    </message>
    <message>
        <source>{0} data cocok</source>
        <translation>{0} matching records</translation>
    </message>
    <message>
        <source>{0} data</source>
        <translation>{0} records</translation>
    </message>
    <message>
        <source>Memuat…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Tidak ada data yang cocok dengan pencarian atau saringan ini.</source>
        <translation>No records match this search or filter.</translation>
    </message>
    <message>
        <source>Belum ada data pendaftar di laptop ini.</source>
        <translation>No applicant records on this laptop yet.</translation>
    </message>
    <message>
        <source>&amp;Muat ulang</source>
        <translation>&amp;Reload</translation>
    </message>
    <message>
        <source>&amp;Ekspor CSV…</source>
        <translation>&amp;Export CSV…</translation>
    </message>
    <message>
        <source>Duplikat</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>Ditolak</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>Desa</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>Kode</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Jumlah</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>Pendaftar per desa</source>
        <translation>Applicants per village</translation>
    </message>
    <message>
        <source>Per status</source>
        <translation>By status</translation>
    </message>
    <message>
        <source>Laporan</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>Pendaftaran per hari ({0} hari terakhir yang berisi data)</source>
        <translation>Registrations per day (last {0} days with data)</translation>
    </message>
    <message>
        <source>Per desa domisili</source>
        <translation>By village of residence</translation>
    </message>
    <message>
        <source>&amp;Desa</source>
        <translation>&amp;Village</translation>
    </message>
    <message>
        <source>Menyusun laporan…</source>
        <translation>Preparing report…</translation>
    </message>
    <message>
        <source>{0} data rusak tidak dapat dibaca; tidak dihitung per desa.</source>
        <translation>{0} damaged records could not be read; not counted per village.</translation>
    </message>
    <message>
        <source>Ekspor data pendaftar</source>
        <translation>Export applicant data</translation>
    </message>
    <message>
        <source>Berkas CSV ini berisi data pribadi pendaftar (NIK, nama, alamat, nomor telepon) tanpa enkripsi. Simpan di tempat yang aman, jangan dibagikan, dan hapus bila tidak diperlukan lagi.

Ekspor ini dicatat di log audit. Lanjutkan?</source>
        <translation>This CSV file contains applicants&apos; personal data (NIK, name, address, phone number) without encryption. Keep it in a safe place, do not share it, and delete it when no longer needed.

This export is recorded in the audit log. Continue?</translation>
    </message>
    <message>
        <source>Simpan ekspor CSV</source>
        <translation>Save CSV export</translation>
    </message>
    <message>
        <source>Berkas CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <source>Mengekspor data…</source>
        <translation>Exporting data…</translation>
    </message>
    <message>
        <source>{0} baris ditulis ke {1}.</source>
        <translation>{0} rows written to {1}.</translation>
    </message>
    <message>
        <source>{0} data rusak dilewati.</source>
        <translation>{0} damaged records skipped.</translation>
    </message>
    <message>
        <source>Ekspor gagal: {0}</source>
        <translation>Export failed: {0}</translation>
    </message>
    <message>
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Status pengiriman</source>
        <translation>Sending status</translation>
    </message>
    <message>
        <source>Sinkronkan sekarang</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Batalkan</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>%v dari %m data terkirim</source>
        <translation>%v of %m records sent</translation>
    </message>
    <message>
        <source>Nyatakan pemulihan cadangan</source>
        <translation>Declare a backup restore</translation>
    </message>
    <message>
        <source>Data yang perlu ditindaklanjuti (ditolak, duplikat, konflik)</source>
        <translation>Records that need follow-up (rejected, duplicate, conflict)</translation>
    </message>
    <message>
        <source>No. registrasi</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Alasan dari server</source>
        <translation>Reason from server</translation>
    </message>
    <message>
        <source>Buka &amp;&amp; perbaiki…</source>
        <translation>Open &amp;&amp; fix…</translation>
    </message>
    <message>
        <source>Kirim ulang tanpa perubahan</source>
        <translation>Resend without changes</translation>
    </message>
    <message>
        <source>Riwayat sinkronisasi</source>
        <translation>Sync history</translation>
    </message>
    <message>
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Oleh</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Dikirim</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>Diterima</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>Status diperbarui</source>
        <translation>Statuses updated</translation>
    </message>
    <message>
        <source>Hasil</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Belum terhubung ke server pusat (daftarkan perangkat di Pengaturan)</source>
        <translation>Not connected to the central server yet (register the device in Settings)</translation>
    </message>
    <message>
        <source>Offline — data tetap tersimpan dan dikirim saat koneksi kembali</source>
        <translation>Offline — data stays saved and is sent when the connection returns</translation>
    </message>
    <message>
        <source>Online — terhubung ke server pusat</source>
        <translation>Online — connected to the central server</translation>
    </message>
    <message>
        <source>Sedang sinkronisasi…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>Perangkat ini ditolak server pusat: supervisor harus mendaftarkannya ulang</source>
        <translation>The central server rejected this device: a supervisor must register it again</translation>
    </message>
    <message>
        <source>Selesai: {0} data dikirim ({1} diterima, {2} duplikat, {3} ditolak); {4} status diperbarui.</source>
        <translation>Done: {0} records sent ({1} accepted, {2} duplicates, {3} rejected); {4} statuses updated.</translation>
    </message>
    <message>
        <source>Menghubungi server…</source>
        <translation>Contacting server…</translation>
    </message>
    <message>
        <source>Menunggu dikirim: {0} · Terakhir sinkron: {1} · Server: {2}</source>
        <translation>Waiting to send: {0} · Last sync: {1} · Server: {2}</translation>
    </message>
    <message>
        <source>Peringatan: server pusat mendapati log audit laptop ini mundur ke keadaan yang lebih lama (dikembalikan atau dipotong).</source>
        <translation>Warning: the central server finds that this laptop&apos;s audit log went back to an earlier state (rolled back or truncated).</translation>
    </message>
    <message>
        <source>Peringatan: server pusat mendapati log audit laptop ini berbeda dari yang dikirim sebelumnya (ditulis ulang atau diganti).</source>
        <translation>Warning: the central server finds that this laptop&apos;s audit log differs from the one it sent before (rewritten or replaced).</translation>
    </message>
    <message>
        <source>Jika data laptop ini dipulihkan dari cadangan, supervisor menekan “Nyatakan pemulihan cadangan”; jika tidak, segera laporkan ke petugas TI.</source>
        <translation>If this laptop&apos;s data was restored from a backup, a supervisor presses “Declare a backup restore”; otherwise tell IT at once.</translation>
    </message>
    <message>
        <source>Pemulihan cadangan sudah dinyatakan; server pusat menerimanya pada sinkronisasi berikutnya.</source>
        <translation>Backup restore declared; the central server accepts it at the next sync.</translation>
    </message>
    <message>
        <source>Nyatakan bahwa data laptop ini dipulihkan dari cadangan? Pernyataan ini dicatat di log audit dan dilaporkan ke server pusat pada sinkronisasi berikutnya. Jangan lakukan ini jika Anda tidak memulihkan cadangan.</source>
        <translation>Declare that this laptop&apos;s data was restored from a backup? The declaration is recorded in the audit log and reported to the central server at the next sync. Do not do this if you did not restore a backup.</translation>
    </message>
    <message>
        <source>Data rusak</source>
        <translation>Damaged record</translation>
    </message>
    <message>
        <source>Gagal</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Berhasil</source>
        <translation>Succeeded</translation>
    </message>
    <message>
        <source>Berhasil; log audit ditandai server</source>
        <translation>Done; audit log flagged by the server</translation>
    </message>
    <message>
        <source>Non&amp;aktifkan pengguna</source>
        <translation>&amp;Deactivate user</translation>
    </message>
    <message>
        <source>Aktif&amp;kan lagi</source>
        <translation>E&amp;nable again</translation>
    </message>
    <message>
        <source>Izinkan pengguna yang dinonaktifkan masuk lagi</source>
        <translation>Let a disabled user log in again</translation>
    </message>
    <message>
        <source>Peringatan: daftar pengguna diubah di luar fieldapp sejak terakhir diubah supervisor (pengguna ditambah, dijadikan supervisor, atau diaktifkan lagi). Nonaktifkan pengguna yang tidak Anda tambahkan, lalu hubungi petugas TI.</source>
        <translation>Warning: the user list was changed outside fieldapp since a supervisor last changed it (a user added, made supervisor, or enabled again). Disable any user you did not add, then contact IT.</translation>
    </message>
    <message>
        <source>Kode pemulihan laptop ini dibuat sebelum kunci supervisor ada: kode itu hanya membuka data, tidak mengembalikan hak supervisor. Buat kode pemulihan baru dan simpan di tempat terkunci.</source>
        <translation>This laptop&apos;s recovery code predates the supervisor key: it opens the data but does not give supervisor rights back. Make a new recovery code and keep it locked away.</translation>
    </message>
    <message>
        <source>Buat kode &amp;pemulihan baru</source>
        <translation>New &amp;recovery code</translation>
    </message>
    <message>
        <source>Kode lama tidak berlaku lagi; kode baru hanya ditampilkan sekali</source>
        <translation>The old code stops working; the new one is shown only once</translation>
    </message>
    <message>
        <source>Peran</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Dibuat</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>Daftar pengguna</source>
        <translation>User list</translation>
    </message>
    <message>
        <source>Pengguna laptop ini</source>
        <translation>Users of this laptop</translation>
    </message>
    <message>
        <source>Daftar pen&amp;gguna</source>
        <translation>User &amp;list</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>nonaktif</source>
        <translation>inactive</translation>
    </message>
    <message>
        <source>terkunci sampai {0}</source>
        <translation>locked until {0}</translation>
    </message>
    <message>
        <source>aktif</source>
        <translation>active</translation>
    </message>
    <message>
        <source>Kode pemulihan baru</source>
        <translation>New recovery code</translation>
    </message>
    <message>
        <source>Buat kode pemulihan baru? Kode lama langsung tidak berlaku. Kode baru hanya ditampilkan sekali: siapkan kertas untuk menulisnya.</source>
        <translation>Make a new recovery code? The old code stops working at once. The new one is shown only once: have paper ready to write it down.</translation>
    </message>
    <message>
        <source>Nonaktifkan pengguna</source>
        <translation>Deactivate user</translation>
    </message>
    <message>
        <source>Nonaktifkan {0}? Pengguna ini tidak dapat masuk lagi.</source>
        <translation>Deactivate {0}? This user will no longer be able to log in.</translation>
    </message>
    <message>
        <source>{0} dinonaktifkan.</source>
        <translation>{0} deactivated.</translation>
    </message>
    <message>
        <source>{0} dapat masuk lagi.</source>
        <translation>{0} can log in again.</translation>
    </message>
    <message>
        <source>Draf</source>
        <translation>Drafts</translation>
    </message>
    <message>
        <source>Pendaftaran yang belum selesai disimpan otomatis di sini, terenkripsi, sampai disimpan utuh atau dibuang. Draf yang tidak disentuh selama {0} hari dihapus otomatis.</source>
        <translation>Unfinished registrations are saved here automatically, encrypted, until they are saved whole or discarded. Drafts left untouched for {0} days are deleted automatically.</translation>
    </message>
    <message>
        <source>Tidak ada draf yang terbuka.</source>
        <translation>There are no open drafts.</translation>
    </message>
    <message>
        <source>Daftar draf</source>
        <translation>Drafts list</translation>
    </message>
    <message>
        <source>Dimulai oleh</source>
        <translation>Started by</translation>
    </message>
    <message>
        <source>Dimulai</source>
        <translation>Started</translation>
    </message>
    <message>
        <source>Terakhir disimpan</source>
        <translation>Last saved</translation>
    </message>
    <message>
        <source>Bagian terisi</source>
        <translation>Sections filled</translation>
    </message>
    <message>
        <source>Enter untuk melanjutkan draf yang dipilih, Delete untuk membuangnya.</source>
        <translation>Enter continues the selected draft, Delete discards it.</translation>
    </message>
    <message>
        <source>&amp;Lanjutkan</source>
        <translation>&amp;Continue</translation>
    </message>
    <message>
        <source>B&amp;uang…</source>
        <translation>&amp;Discard…</translation>
    </message>
</context>
<context>
    <name>ServerBox</name>
    <message>
        <source>Server pusat</source>
        <translation>Central server</translation>
    </message>
    <message>
        <source>Alamat server</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Kode pendaftaran sekali pakai</source>
        <translation>One-time registration code</translation>
    </message>
    <message>
        <source>Berkas sertifikat CA (opsional)</source>
        <translation>CA certificate file (optional)</translation>
    </message>
    <message>
        <source>Pi&amp;lih…</source>
        <translation>&amp;Browse…</translation>
    </message>
    <message>
        <source>Pilih berkas sertifikat CA</source>
        <translation>Choose CA certificate file</translation>
    </message>
    <message>
        <source>&amp;Daftarkan laptop</source>
        <translation>&amp;Register laptop</translation>
    </message>
    <message>
        <source>Hanya supervisor yang dapat mendaftarkan laptop ini ke server.</source>
        <translation>Only a supervisor can register this laptop with the server.</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>ID perangkat</source>
        <translation>Device ID</translation>
    </message>
    <message>
        <source>Kantor</source>
        <translation>Office</translation>
    </message>
    <message>
        <source>&amp;Alamat server</source>
        <translation>Server &amp;address</translation>
    </message>
    <message>
        <source>&amp;Kode sekali pakai</source>
        <translation>One-&amp;time code</translation>
    </message>
    <message>
        <source>Sertifikat &amp;CA (opsional)</source>
        <translation>&amp;CA certificate (optional)</translation>
    </message>
    <message>
        <source>belum terdaftar</source>
        <translation>not registered yet</translation>
    </message>
    <message>
        <source>&amp;Daftarkan ulang</source>
        <translation>&amp;Register again</translation>
    </message>
    <message>
        <source>Pilih sertifikat CA</source>
        <translation>Choose CA certificate</translation>
    </message>
    <message>
        <source>Sertifikat (*.pem *.crt);;Semua (*)</source>
        <translation>Certificates (*.pem *.crt);;All files (*)</translation>
    </message>
    <message>
        <source>Daftarkan ulang</source>
        <translation>Register again</translation>
    </message>
    <message>
        <source>Laptop ini sudah terdaftar. Daftarkan ulang dengan kode baru? Token lama tidak dipakai lagi.</source>
        <translation>This laptop is already registered. Register it again with a new code? The old token will no longer be used.</translation>
    </message>
    <message>
        <source>Isi alamat server dan kode sekali pakai.</source>
        <translation>Fill in the server address and one-time code.</translation>
    </message>
    <message>
        <source>Menghubungi server…</source>
        <translation>Contacting server…</translation>
    </message>
    <message>
        <source>Laptop terdaftar di server.</source>
        <translation>Laptop registered with the server.</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>Menu</source>
        <translation>Menu</translation>
    </message>
</context>
<context>
    <name>drafts</name>
    <message>
        <source>Identitas</source>
        <translation>Identity</translation>
    </message>
    <message>
        <source>Kontak</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Pendidikan &amp; Pekerjaan</source>
        <translation>Education &amp; Work</translation>
    </message>
    <message>
        <source>Persetujuan</source>
        <translation>Consent</translation>
    </message>
    <message>
        <source>Rusak: tidak dapat dibuka (diubah di luar aplikasi)</source>
        <translation>Damaged: cannot be opened (changed outside the app)</translation>
    </message>
    <message>
        <source>Belum ada bagian yang terisi</source>
        <translation>No section filled yet</translation>
    </message>
    <message>
        <source>{0} ({1} dari {2})</source>
        <translation>{0} ({1} of {2})</translation>
    </message>
    <message>
        <source>Buang draf</source>
        <translation>Discard draft</translation>
    </message>
    <message>
        <source>Buang draf ini? Isiannya hilang dan tidak dapat dikembalikan.</source>
        <translation>Discard this draft? What was typed is lost and cannot be brought back.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Berkas tidak dapat ditulis atau dibaca ({0}). Periksa ruang disk dan izin folder.</source>
        <translation>The file could not be written or read ({0}). Check disk space and folder permissions.</translation>
    </message>
    <message>
        <source>Terjadi kesalahan internal. Rinciannya sudah dicatat di log aplikasi.</source>
        <translation>An internal error occurred. The details have been recorded in the app log.</translation>
    </message>
    <message>
        <source>Tidak dapat dilanjutkan</source>
        <translation>Cannot continue</translation>
    </message>
    <message>
        <source>Terjadi kesalahan</source>
        <translation>An error occurred</translation>
    </message>
    <message>
        <source>Aplikasi menemui kesalahan yang tidak terduga ({0}). Data yang sudah disimpan aman. Rinciannya (tanpa data pribadi) dicatat di log; laporkan ke petugas TI.</source>
        <translation>The app ran into an unexpected error ({0}). Data already saved is safe. The details (without personal data) are recorded in the log; report it to the IT officer.</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <source>Menunggu kirim</source>
        <translation>Waiting to send</translation>
    </message>
    <message>
        <source>Terkirim</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>Terverifikasi</source>
        <translation>Verified</translation>
    </message>
    <message>
        <source>Duplikat</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>Konflik</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <source>Ditolak</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>Laki-laki</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>Perempuan</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>Tidak/belum sekolah</source>
        <translation>No schooling (yet)</translation>
    </message>
    <message>
        <source>SD/sederajat</source>
        <translation>Primary school or equivalent</translation>
    </message>
    <message>
        <source>SMP/sederajat</source>
        <translation>Junior high school or equivalent</translation>
    </message>
    <message>
        <source>SMA/SMK/sederajat</source>
        <translation>Senior high school / vocational or equivalent</translation>
    </message>
    <message>
        <source>Diploma (D1–D4)</source>
        <translation>Diploma (D1–D4)</translation>
    </message>
    <message>
        <source>Sarjana (S1)</source>
        <translation>Bachelor&apos;s (S1)</translation>
    </message>
    <message>
        <source>Magister (S2)</source>
        <translation>Master&apos;s (S2)</translation>
    </message>
    <message>
        <source>Doktor (S3)</source>
        <translation>Doctorate (S3)</translation>
    </message>
    <message>
        <source>Pencari kerja</source>
        <translation>Job seeker</translation>
    </message>
    <message>
        <source>Korban PHK</source>
        <translation>Laid off</translation>
    </message>
    <message>
        <source>Dirumahkan</source>
        <translation>Furloughed</translation>
    </message>
    <message>
        <source>Pekerja yang ingin menambah keterampilan</source>
        <translation>Worker wanting to upskill</translation>
    </message>
    <message>
        <source>Pelaku usaha mikro/kecil</source>
        <translation>Micro/small business owner</translation>
    </message>
    <message>
        <source>Ya</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Tidak</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>ops</name>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>receipt</name>
    <message>
        <source>Nomor pendaftaran</source>
        <translation>Registration number</translation>
    </message>
    <message>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Tanggal daftar</source>
        <translation>Registration date</translation>
    </message>
    <message>
        <source>Tempat pendaftaran</source>
        <translation>Place of registration</translation>
    </message>
    <message>
        <source>Petugas</source>
        <translation>Officer</translation>
    </message>
    <message>
        <source>Simpan tanda terima ini. Kode QR memuat nomor data lengkap untuk menanyakan status pendaftaran di kantor desa. Data Anda tersimpan terenkripsi dan dikirim ke server pusat Kartu Prakerja.</source>
        <translation>Keep this receipt. The QR code holds the full record number for asking about your registration status at the village office. Your data is stored encrypted and sent to the Kartu Prakerja central server.</translation>
    </message>
    <message>
        <source>Tanda Terima Pendaftaran Kartu Prakerja</source>
        <translation>Kartu Prakerja Registration Receipt</translation>
    </message>
    <message>
        <source>Pendaftaran dengan pendampingan (SE Mendagri 560/2821/SJ)</source>
        <translation>Assisted registration (SE Mendagri 560/2821/SJ)</translation>
    </message>
</context>
<context>
    <name>record_dialog</name>
    <message>
        <source>Server pusat menyatakan NIK ini sudah terdaftar di kantor lain. Data ini tidak diproses.</source>
        <translation>The central server says this NIK is already registered at another office. This record is not processed.</translation>
    </message>
    <message>
        <source>Server pusat menolak data ini. Perbaiki isian yang disebut di bawah lalu simpan ulang.</source>
        <translation>The central server rejected this record. Fix the answers named below, then save again.</translation>
    </message>
    <message>
        <source>Data ini juga diubah di tempat lain. Periksa isinya, lalu simpan ulang bila perlu.</source>
        <translation>This record was also changed elsewhere. Check it, then save again if needed.</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Pendaftaran Baru</source>
        <translation>New Registration</translation>
    </message>
    <message>
        <source>Daftar Pendaftar</source>
        <translation>Applicant List</translation>
    </message>
    <message>
        <source>Draf</source>
        <translation>Drafts</translation>
    </message>
    <message>
        <source>Sinkronisasi</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>Pengguna</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>Laporan</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Kunci (Ctrl+L)</source>
        <translation>Lock (Ctrl+L)</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>operator</translation>
    </message>
    <message>
        <source>Masuk sebagai {0} ({1})</source>
        <translation>Logged in as {0} ({1})</translation>
    </message>
    <message>
        <source>Belum terhubung ke server pusat</source>
        <translation>Not connected to the central server yet</translation>
    </message>
    <message>
        <source>Offline: data tersimpan dan menunggu dikirim</source>
        <translation>Offline: data is saved and waiting to be sent</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Sedang sinkronisasi…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>Perangkat ditolak server: daftarkan ulang</source>
        <translation>Device rejected by server: register again</translation>
    </message>
    <message>
        <source>{0} data menunggu dikirim</source>
        <translation>{0} records waiting to be sent</translation>
    </message>
</context>
</TS>
