// The scenarios a student plays in the demo sandbox (checked by schema.ts and index.ts; see scenarios.test.ts).
// Stories are original and short: a time of day, what someone noticed, what the student is asked to do.
// Faults name sim/faults/catalogue.ts entries; params go through each fault's own paramsSchema.

export const SCENARIO_DATA: unknown[] = [
  {
    id: 'send-failed-wrong-port',
    title: 'Send failed — the CT that never arrived',
    story:
      'It is 09:10. The CT head for Mrs Doe was scanned at 08:40 and the technologist pressed Send before taking the next patient in. ' +
      'Twenty minutes later the radiologist phones: the study is not on the PACS. Nobody changed anything, says the CT team, except that ' +
      'an engineer "tidied up" the scanner\'s network settings yesterday.',
    task: 'Find out why the images did not reach the archive and get every image of that exam onto the PACS, once, without scanning the patient again.',
    faults: [{ faultId: 'send-wrong-port', params: { modalityAe: 'CT1', mode: 'port' }, order: { patientName: 'DOE^MARGARET', patientId: 'SCN0001', patientBirthDate: '19580412', patientSex: 'F', requestedProcedureDescription: 'CT HEAD WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 10,
    difficulty: 'warm-up',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
      { slug: 'dicom-services', heading: 'Nodes: AE title, host and port' },
    ],
    startPlace: '/sandbox/modality/CT1',
  },
  {
    id: 'mr-association-rejected',
    title: 'The MR that the PACS turned away',
    story:
      'It is 11:45. The MR lumbar spine is finished, but the reading list is empty. The MR technologist says the scanner "talks to the PACS '
      + 'fine, it just says rejected". A new archive AE title was announced in last week\'s IT newsletter, and someone typed it into the MR.',
    task: 'Read the rejection, correct the side that is wrong, and get the MR exam onto the PACS without acquiring it again.',
    faults: [{ faultId: 'send-ae-mismatch', params: { modalityAe: 'MR1', mode: 'called-ae' }, order: { patientName: 'KOWALSKI^PIOTR', patientId: 'SCN0002', patientBirthDate: '19690821', patientSex: 'M', requestedProcedureDescription: 'MR LUMBAR SPINE WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 12,
    difficulty: 'warm-up',
    lessons: [
      { slug: 'dicom-services', heading: 'Nodes: AE title, host and port' },
      { slug: 'dicom-services', heading: 'Associations: the handshake before any work' },
    ],
    startPlace: '/sandbox/modality/MR1',
  },
  {
    id: 'node-table-typo',
    title: 'A typo in the node table',
    story:
      'It is 14:05. The PACS administrator cleaned up the node table over lunch. Since then the CT has not delivered a single study: the '
      + 'send queue says the association was rejected, yet the CT\'s own settings are exactly what they were this morning.',
    task: 'Find which side no longer recognises the other, put it right on the PACS, and deliver the waiting CT exam.',
    faults: [{ faultId: 'send-ae-mismatch', params: { modalityAe: 'CT1', mode: 'renamed' }, order: { patientName: 'ABARA^NKEM', patientId: 'SCN0003', patientBirthDate: '19810203', patientSex: 'F', requestedProcedureDescription: 'CT CHEST WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 15,
    difficulty: 'standard',
    lessons: [
      { slug: 'dicom-services', heading: 'Nodes: AE title, host and port' },
      { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
    ],
    startPlace: '/sandbox/pacs/network-log',
  },
  {
    id: 'archive-full',
    title: 'Every image refused',
    story:
      'It is 16:40 on a busy Friday. The CT abdomen has gone to the PACS, and every single image came back refused. The network is up, '
      + 'the association was accepted, and the scanner is already calling the next patient. Nobody has looked at the archive\'s disk in months.',
    task: 'Find what the archive is refusing and why, make room for the study, and deliver the images from the scanner\'s queue, not by a re-scan.',
    faults: [{ faultId: 'send-storage-full', params: { modalityAe: 'CT1' }, order: { patientName: 'FERREIRA^LUIS', patientId: 'SCN0004', patientBirthDate: '19470915', patientSex: 'M', requestedProcedureDescription: 'CT ABDOMEN PELVIS WITH CONTRAST' } }],
    timeBudgetMinutes: 15,
    difficulty: 'standard',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
      { slug: 'dicom-services', heading: 'C-STORE: sending images' },
    ],
    startPlace: '/sandbox/modality/CT1',
  },
  {
    id: 'patient-not-on-worklist',
    title: 'The patient on the table is not on the list',
    story:
      'It is 08:25. The ultrasound patient is changed and waiting, but her abdomen exam is not on the scanner\'s worklist; the other patients\' '
      + 'orders are. The booking clerk remembers moving "an ultrasound" on the phone yesterday. The sonographer is about to type the patient in by hand.',
    task: 'Stop the hand registration, find the order in the RIS, and make it appear on the scanner\'s own worklist query.',
    faults: [{ faultId: 'worklist-missing', params: { modalityAe: 'US1', mode: 'date' }, order: { patientName: 'BRENNAN^AOIFE', patientId: 'SCN0005', patientBirthDate: '19900607', patientSex: 'F', requestedProcedureDescription: 'US ABDOMEN COMPLETE' } }],
    timeBudgetMinutes: 10,
    difficulty: 'warm-up',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Study missing from the worklist' },
      { slug: 'worklist-mpps-storage-commitment', heading: 'Modality Worklist: the exam comes to the scanner' },
    ],
    startPlace: '/sandbox/modality/US1',
  },
  {
    id: 'wrong-room-worklist',
    title: 'Booked into the wrong room',
    story:
      'It is 13:20. The STAT CT pulmonary angiogram is not on CT room 1\'s worklist, though the ward insists it was ordered an hour ago and the '
      + 'RIS shows it as scheduled for today. A second CT scanner is being installed next door and already has a station name in the RIS.',
    task: 'Find why the scanner\'s worklist query does not return the order and correct the order so that CT1 sees it, without registering the patient by hand.',
    faults: [{ faultId: 'worklist-missing', params: { modalityAe: 'CT1', mode: 'station' }, order: { patientName: 'OYELARAN^TUNDE', patientId: 'SCN0006', patientBirthDate: '19770330', patientSex: 'M', requestedProcedureDescription: 'CT PULMONARY ANGIOGRAM' } }],
    timeBudgetMinutes: 12,
    difficulty: 'standard',
    lessons: [
      { slug: 'worklist-mpps-storage-commitment', heading: 'What a worklist query looks like' },
      { slug: 'pacs-troubleshooting', heading: 'Study missing from the worklist' },
    ],
    startPlace: '/sandbox/ris',
  },
  {
    id: 'order-lost-in-transit',
    title: 'The order that never arrived',
    story:
      'It is 10:05. An outpatient sent over from the GP clinic is at the X-ray desk with her referral for a chest X-ray. The hospital system '
      + 'says the order was placed twenty minutes ago, but it is not on the X-ray room\'s worklist and the RIS has no order for her at all. '
      + 'IT upgraded the interface engine early this morning. The radiographer offers to type the order into the RIS "to save time".',
    task: 'Find where the order stopped on its way from the hospital system to the scanner and get that same order (its own accession number) onto DX1\'s worklist, without typing it in or registering the patient by hand.',
    faults: [{ faultId: 'worklist-missing', params: { modalityAe: 'DX1', mode: 'hl7-down' }, order: { patientName: 'ADEYEMI^FOLAKE', patientId: 'SCN0021', patientBirthDate: '19840923', patientSex: 'F', requestedProcedureDescription: 'XR CHEST PA AND LATERAL' } }],
    timeBudgetMinutes: 12,
    difficulty: 'standard',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Study missing from the worklist' },
      { slug: 'ris-pacs-integration', heading: 'Orders: ORM and OMI' },
    ],
    startPlace: '/sandbox/modality/DX1',
  },
  {
    id: 'mpps-never-completed',
    title: 'Images in, exam never finished',
    story:
      'It is 12:30. The radiologist can open the MR brain on the PACS, but it is not on the list of completed exams, and the RIS still says '
      + '"in progress" two hours after the patient went home. Billing has asked why the exam has no end time.',
    task: 'Find what the RIS is waiting for and finish the exam properly at the scanner, without sending or acquiring the images again.',
    faults: [{ faultId: 'mpps-in-progress', params: { modalityAe: 'MR1' }, order: { patientName: 'SATO^KEIKO', patientId: 'SCN0007', patientBirthDate: '19850118', patientSex: 'F', requestedProcedureDescription: 'MR BRAIN WITH AND WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 10,
    difficulty: 'warm-up',
    lessons: [
      { slug: 'worklist-mpps-storage-commitment', heading: 'MPPS: telling everyone what was done' },
      { slug: 'worklist-mpps-storage-commitment', heading: 'When the pieces disagree' },
    ],
    startPlace: '/sandbox/ris',
  },
  {
    id: 'port-then-full',
    title: 'One fix is not enough',
    story:
      'It is 07:50 on Monday. Over the weekend an engineer changed the CT\'s archive settings, and nobody has checked the archive\'s storage '
      + 'since the last big trauma night. Two CT exams from the early list are sitting in the scanner\'s send queue, failed, and the '
      + 'radiologists start reading at 08:00.',
    task: 'Get both CT exams onto the PACS, each image once, without re-scanning. Expect the first fix to reveal a second problem.',
    faults: [
      { faultId: 'send-wrong-port', params: { modalityAe: 'CT1', mode: 'port' }, order: { patientName: 'MBEKI^THANDO', patientId: 'SCN0008', patientBirthDate: '19630711', patientSex: 'M', requestedProcedureDescription: 'CT CHEST WITH CONTRAST' } },
      { faultId: 'send-storage-full', params: { modalityAe: 'CT1' }, order: { patientName: 'LARSEN^INGRID', patientId: 'SCN0009', patientBirthDate: '19520226', patientSex: 'F', requestedProcedureDescription: 'CT HEAD WITHOUT CONTRAST' } },
    ],
    timeBudgetMinutes: 25,
    difficulty: 'challenge',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'A method before a fix' },
      { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
    ],
    startPlace: '/sandbox/modality/CT1',
  },
  {
    id: 'monday-morning',
    title: 'Monday morning at the help desk',
    story:
      'It is 08:40. Two calls at once: the X-ray room says its chest films "bounce off the PACS", and the RIS shows the early MR knee still '
      + 'in progress although the images are on the PACS. Both rooms were serviced on Saturday.',
    task: 'Work through both calls: get the X-ray exam onto the PACS and complete the MR exam in the RIS, with no re-scans.',
    faults: [
      { faultId: 'send-ae-mismatch', params: { modalityAe: 'DX1', mode: 'unregistered' }, order: { patientName: 'QUINN^ROSA', patientId: 'SCN0010', patientBirthDate: '19990504', patientSex: 'F', requestedProcedureDescription: 'XR CHEST PA AND LATERAL' } },
      { faultId: 'mpps-in-progress', params: { modalityAe: 'MR1' }, order: { patientName: 'HADDAD^SAMIR', patientId: 'SCN0011', patientBirthDate: '19710919', patientSex: 'M', requestedProcedureDescription: 'MR KNEE WITHOUT CONTRAST RIGHT' } },
    ],
    timeBudgetMinutes: 25,
    difficulty: 'challenge',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Keeping an error log' },
      { slug: 'dicom-services', heading: 'Nodes: AE title, host and port' },
      { slug: 'worklist-mpps-storage-commitment', heading: 'MPPS: telling everyone what was done' },
    ],
    startPlace: '/sandbox/pacs/network-log',
  },
  {
    id: 'split-study',
    title: 'Split study — half a CT chest',
    story:
      'It is 09:10. The CT chest for Mrs Nakamura was scanned an hour ago, but the radiologist cannot find the second series: the study '
      + 'she opened from the accession number has the arterial phase only. The CT technologist says the scanner "froze" between the two '
      + 'phases and she typed the patient in again to finish the delayed series.',
    task: 'Find where the missing series went and bring the whole exam together under the order\'s study, without sending or scanning anything again and without deleting images.',
    faults: [{ faultId: 'split-study', params: { modalityAe: 'CT1', slices: 3 }, order: { patientName: 'NAKAMURA^HANA', patientId: 'SCN0012', patientBirthDate: '19740309', patientSex: 'F', requestedProcedureDescription: 'CT CHEST WITH CONTRAST' } }],
    timeBudgetMinutes: 12,
    difficulty: 'standard',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Split and merged studies' },
      { slug: 'dicom-information-model', heading: 'How a study splits' },
    ],
    startPlace: '/sandbox/pacs',
  },
  {
    id: 'merged-study',
    title: 'Merged study — an abdomen in the chest',
    story:
      'It is 15:30. Mr Okafor had a CT chest and a CT abdomen ordered by two different teams, scanned back to back. The chest radiologist '
      + 'has just phoned: "there is an abdomen in my chest study", and the abdomen order still shows no images on the PACS.',
    task: 'Give each order its own study: the abdomen series must carry the abdomen order\'s accession number and Study Instance UID, with nothing lost or sent twice.',
    faults: [{ faultId: 'merged-study', params: { modalityAe: 'CT1', slices: 3 }, order: { patientName: 'OKAFOR^CHIDI', patientId: 'SCN0013', patientBirthDate: '19660721', patientSex: 'M', requestedProcedureDescription: 'CT CHEST WITH CONTRAST' } }],
    timeBudgetMinutes: 15,
    difficulty: 'standard',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Split and merged studies' },
      { slug: 'dicom-information-model', heading: 'How studies merge' },
    ],
    startPlace: '/sandbox/pacs',
  },
  {
    id: 'pacs-offline',
    title: 'PACS offline — rejected, and again on Retry',
    story:
      'It is 07:55. The night PACS administrator left a note: "archive maintenance done". Since then the CT has sent nothing: every send is '
      + 'rejected, the technologist has pressed Retry three times, and the worklist on the same server works perfectly.',
    task: 'Find out why the archive turns the CT away, put the archive back in service, and deliver the waiting exam once, without scanning again.',
    faults: [{ faultId: 'pacs-offline', params: { modalityAe: 'CT1', slices: 3 }, order: { patientName: 'HALVORSEN^INGRID', patientId: 'SCN0014', patientBirthDate: '19590614', patientSex: 'F', requestedProcedureDescription: 'CT HEAD WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 10,
    difficulty: 'warm-up',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
      { slug: 'dicom-services', heading: 'Associations: the handshake before any work' },
    ],
    startPlace: '/sandbox/modality/CT1',
  },
  {
    id: 'network-stall',
    title: 'Half an exam and a timeout',
    story:
      'It is 13:20. The network team is replacing a switch "with no interruption". The MR knee went out at 13:12: the first image is on the '
      + 'PACS, the rest of the exam is not, and the send queue says the scanner timed out waiting for the archive.',
    task: 'Find the failed association in the network log, then get the rest of the exam onto the PACS so that every image is there exactly once.',
    faults: [{ faultId: 'network-stall', params: { modalityAe: 'MR1', stallAfter: 1 }, order: { patientName: 'OYELARAN^TUNDE', patientId: 'SCN0015', patientBirthDate: '19880130', patientSex: 'M', requestedProcedureDescription: 'MR KNEE WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 10,
    difficulty: 'warm-up',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
      { slug: 'dicom-services', heading: 'C-STORE: sending images' },
    ],
    startPlace: '/sandbox/pacs/network-log',
  },
  {
    id: 'study-unverified',
    title: 'The study nobody ordered',
    story:
      'It is 10:35. The chest X-ray for Mr Lindqvist arrived on the PACS at 10:05, but it is stuck "unverified" and the radiologist cannot '
      + 'report it. The RIS still shows his order as not done. The DX room had a worklist outage this morning and keyed in a few accession numbers by hand.',
    task: 'Find why the study is held, link it to Mr Lindqvist\'s order so that it carries the right accession number, and release it for reading, without taking the X-ray again.',
    faults: [{ faultId: 'study-unverified', params: { modalityAe: 'DX1' }, order: { patientName: 'LINDQVIST^ERIK', patientId: 'SCN0016', patientBirthDate: '19470922', patientSex: 'M', requestedProcedureDescription: 'DX CHEST PA' } }],
    timeBudgetMinutes: 12,
    difficulty: 'standard',
    lessons: [
      { slug: 'ris-pacs-integration', heading: 'Two systems, one exam' },
      { slug: 'dicom-information-model', heading: 'How a study splits' },
    ],
    startPlace: '/sandbox/pacs',
  },
  {
    id: 'reading-filter-hides',
    title: 'On the PACS, not on my list',
    story:
      'It is 16:15. The CT abdomen for Mrs Ferreira was sent at 15:50 and the PACS console shows every image. You are covering the reading '
      + 'list this afternoon and the study is simply not on it. You set up a saved filter, "My worklist", last week and use it every day.',
    task: 'Find out why your reading worklist does not show the exam, and correct your saved filter so that it does. Nothing needs to be sent again.',
    faults: [{ faultId: 'reading-filter-hides', params: { modalityAe: 'CT1', slices: 3 }, order: { patientName: 'FERREIRA^LUCIA', patientId: 'SCN0017', patientBirthDate: '19720517', patientSex: 'F', requestedProcedureDescription: 'CT ABDOMEN WITH CONTRAST' } }],
    timeBudgetMinutes: 8,
    difficulty: 'warm-up',
    lessons: [
      { slug: 'what-is-a-pacs', heading: 'Display: workstations and viewers' },
    ],
    startPlace: '/sandbox/reading',
  },
  {
    id: 'syntax-not-accepted',
    title: 'Compressed at the source, refused at the door',
    story:
      'It is 13:20. Over lunch a vendor engineer "saved the hospital network" by setting the CT to compress its images before sending. '
      + 'Since then the CT console shows every image of the 13:05 chest exam as not sent, although its echo to the PACS still succeeds. '
      + 'The PACS team says nothing changed on their side since they tightened what the archive accepts last month.',
    task: 'Find out why the archive takes none of the images, make the scanner and the archive agree on a transfer syntax (without letting anything lossy in), and get the exam onto the PACS once, without scanning again.',
    faults: [{ faultId: 'syntax-not-accepted', params: { modalityAe: 'CT1', slices: 3 }, order: { patientName: 'ABARA^NGOZI', patientId: 'SCN0018', patientBirthDate: '19810603', patientSex: 'F', requestedProcedureDescription: 'CT CHEST WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 12,
    difficulty: 'standard',
    lessons: [
      { slug: 'image-compression', heading: 'Transfer syntaxes: how compression travels in DICOM' },
      { slug: 'dicom-services', heading: 'Associations: the handshake before any work' },
    ],
    startPlace: '/sandbox/modality/CT1',
  },
  {
    id: 'lossy-before-read',
    title: 'Compressed before anyone read it',
    story:
      'It is 10:40. The radiologist opens the 10:15 CT chest of Mr Lindqvist from the reading worklist and stops: the viewer says the images are '
      + 'lossy compressed, on a study nobody has reported yet. Last night an IT contractor "freed up disk space" on the archive by changing its '
      + 'storage settings. The CT still has the exam on its disk.',
    task: 'Find out why the archive holds only lossy copies of an unread study, put the site\'s policy back (no lossy compression before primary reading), and get the original images into the archive without scanning the patient again, leaving no lossy copy of the unread study behind.',
    faults: [{ faultId: 'lossy-before-read', params: { modalityAe: 'CT1', slices: 3 }, order: { patientName: 'LINDQVIST^ERIK', patientId: 'SCN0019', patientBirthDate: '19580922', patientSex: 'M', requestedProcedureDescription: 'CT CHEST WITHOUT CONTRAST' } }],
    timeBudgetMinutes: 15,
    difficulty: 'standard',
    lessons: [
      { slug: 'image-compression', heading: 'Who decides when lossy is allowed' },
      { slug: 'image-compression', heading: 'Marking lossy images in the header' },
    ],
    startPlace: '/sandbox/reading',
  },
  {
    id: 'wrong-patient',
    title: 'Wrong patient — a CT chest in the wrong record',
    story:
      'It is 11:20. Two Mensah sisters-in-law were booked on CT1 for a chest CT, ten minutes apart. Radiology has just phoned: Mrs Gloria '
      + 'Mensah\'s record holds a CT chest acquired while she was still in the waiting room, and Mrs Afua Mensah\'s CT, which the technologist '
      + 'is sure she scanned, is nowhere on the PACS.',
    task: 'Treat it as a patient-safety event: put the CT under the right patient and her own order — in the stored images, not only in the database — leave the other patient\'s record clean, and record why. Do not delete the study without a rejection note.',
    faults: [{ faultId: 'wrong-patient', params: { modalityAe: 'CT1', slices: 3 }, order: { patientName: 'MENSAH^AFUA', patientId: 'SCN0020', patientBirthDate: '19620517', patientSex: 'F', requestedProcedureDescription: 'CT CHEST WITH CONTRAST' } }],
    timeBudgetMinutes: 15,
    difficulty: 'standard',
    lessons: [
      { slug: 'pacs-troubleshooting', heading: 'Wrong patient' },
    ],
    startPlace: '/sandbox/pacs',
  },
];
